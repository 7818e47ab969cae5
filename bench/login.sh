#!/usr/bin/env bash
# Sign-in throughput and the latency of /healthz under a sign-in load, against a release
# build of tinbao on SQLite, with the raw limits measured in the same run:
#   - argon2id verifications per second (examples/hash_rate.rs: tinbao's own code),
#   - durable SQLite commits per second (WAL, synchronous=FULL, as tinbao runs it).
# Usage: bench/login.sh [SECONDS]   (loopback only; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
cargo build --release --quiet --bin tinbao --example hash_rate

echo "== raw limit 1: argon2id verifications"
"$CARGO_TARGET_DIR/release/examples/hash_rate" 10

work="$(mktemp -d)"
echo "== raw limit 2: durable SQLite commits (one small insert each)"
python3 - "$work/raw.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
n, start = 0, time.time()
while time.time() - start < 5:
    db.execute("BEGIN"); db.execute("INSERT INTO t (v) VALUES ('session')"); db.execute("COMMIT"); n += 1
print(f"sqlite commits: {n / (time.time() - start):.0f} per second")
PY

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# `log:` as the SMS gateway: the registration code is read from the server's log.
TINBAO_LISTEN="127.0.0.1:$port" TINBAO_DATA_DIR="$work" TINBAO_LOG=warn TINBAO_SMS_GATEWAY_URL=log: \
    "$CARGO_TARGET_DIR/release/tinbao" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d '{"login": "0912000999", "password": "mango river lantern quietly"}'
for _ in $(seq 1 50); do grep -q "tinbao cua ban" "$work/server.log" && break; sleep 0.2; done
code="$(grep -o 'tinbao cua ban: [0-9]\{6\}' "$work/server.log" | tail -n 1 | grep -o '[0-9]\{6\}')"
curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/auth/register/verify" -H 'Content-Type: application/json' \
    -d "{\"login\": \"0912000999\", \"code\": \"$code\"}"

echo "== /healthz alone (4 connections, ${seconds}s)"
wrk -t1 -c4 -d"${seconds}s" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|99%|50%"

echo "== 50 concurrent sign-ins (${seconds}s), and /healthz (4 connections) during them"
wrk -t2 -c50 -d"${seconds}s" --timeout 30s -s bench/login.lua "http://127.0.0.1:$port/api/v1/auth/login" >"$work/login.txt" &
load=$!
sleep 2
wrk -t1 -c4 -d"$((seconds - 4))s" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|99%|50%"
wait "$load"
grep -E "Requests/sec|login p50|Non-2xx" "$work/login.txt"
