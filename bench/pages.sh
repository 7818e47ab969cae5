#!/usr/bin/env bash
# The citizens' pages under load: the tip form (GET /report: the provinces read from the
# database, the page drawn from its template) and the home page, at 50 concurrent
# requests, against a release build of tinbao on SQLite. Beside them, in the same run:
#   - /healthz under the same load (HTTP alone, no database, no template),
#   - the raw limit of the form's one query (the provinces, straight from SQLite).
# Server time is also read from tinbao's own histogram (/metrics).
# Usage: bench/pages.sh [SECONDS]   (loopback only; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
cargo build --release --quiet --bin tinbao

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
TINBAO_LISTEN="127.0.0.1:$port" TINBAO_DATA_DIR="$work" TINBAO_LOG=warn \
    "$CARGO_TARGET_DIR/release/tinbao" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
base="http://127.0.0.1:$port"

echo "== page weights (bytes before compression, and gzip on the wire)"
for path in / /report /track /guidance; do
    plain=$(curl -fsS "$base$path" | wc -c)
    gz=$(curl -fsS -H 'Accept-Encoding: gzip' "$base$path" | wc -c)
    echo "$path: $plain HTML, $gz gzip"
done
css=$(curl -fsS "$base/" | grep -o '/assets/site[^"]*'); js=$(curl -fsS "$base/" | grep -o '/assets/app[^"]*')
echo "site.css: $(curl -fsS "$base$css" | wc -c), app.js: $(curl -fsS "$base$js" | wc -c)"

echo "== raw limit: the form's query, straight from SQLite (5 s, one connection)"
python3 - "$work/tinbao.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n, start = 0, time.time()
while time.time() - start < 5:
    db.execute("SELECT scheme, level, code, name, parent_level, parent_code FROM admin_units "
               "WHERE scheme = '2024' AND level = 'province' ORDER BY scheme, level, code").fetchall()
    n += 1
print(f"province lists: {n / (time.time() - start):.0f} per second")
PY

for path in /healthz /report /; do
    echo "== GET $path, 50 concurrent (${seconds}s)"
    wrk -t2 -c50 -d"${seconds}s" -s bench/latency.lua "$base$path" | tail -n 1
done

echo "== server time of GET /report (tinbao_http_request_duration_seconds)"
curl -fsS "$base/metrics" | python3 -c '
import sys
buckets, total = [], 0
for line in sys.stdin:
    if "route=\"/report\"" in line and "method=\"GET\"" in line and "status=\"200\"" in line:
        if line.startswith("tinbao_http_request_duration_seconds_bucket"):
            le = line.split("le=\"")[1].split("\"")[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(line.split()[-1])))
        elif line.startswith("tinbao_http_request_duration_seconds_count"):
            total = float(line.split()[-1])
for le, n in sorted(buckets):
    if total and n / total >= 0.99:
        print(f"{total:.0f} requests; 99% took at most {le * 1000:g} ms")
        break
'
