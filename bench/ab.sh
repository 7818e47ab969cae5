#!/usr/bin/env bash
# A/B: the staff's work list on PostgreSQL, this checkout against an earlier commit, on
# ONE database seeded once, the two binaries taking turns (A B A B ...). Runs of
# bench/cases.sh an hour apart differed by more than the change they were to measure (the
# machine itself was slower); taking turns on the same rows, the same cache and in the
# same minutes leaves only the code as the difference. Both commits must share the
# migrations (the script checks). Release builds; wrk, 8 connections, 10 s per line.
# Usage: bench/ab.sh OLD_COMMIT [CASES=1000000] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
old_rev="${1:?usage: bench/ab.sh OLD_COMMIT [CASES] [ROUNDS]}"
count="${2:-1000000}"
rounds="${3:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if ! git diff --quiet "$old_rev" HEAD -- migrations; then
    echo "bench/ab.sh: $old_rev and HEAD have different migrations; one database cannot serve both" >&2
    exit 2
fi
work="$(mktemp -d)"
chmod 755 "$work"
server=""
bindir="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort | tail -n 1)"
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    [ -d "$work/pg" ] && runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" stop -m fast >/dev/null 2>&1 || true
    git worktree remove --force "$work/old-tree" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== building B = HEAD ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with uncommitted changes')) and A = $old_rev"
cargo build --release --quiet --bin tinbao
cp "$CARGO_TARGET_DIR/release/tinbao" "$work/bin-B"
git worktree add --detach --force "$work/old-tree" "$old_rev" >/dev/null 2>&1
(cd "$work/old-tree" && cargo build --release --quiet --bin tinbao)
cp "$CARGO_TARGET_DIR/release/tinbao" "$work/bin-A"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pgport="$(free_port)"
mkdir -p "$work/pg" "$work/data" && chown postgres:postgres "$work/pg"
runuser -u postgres -- "$bindir/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=2GB" start >/dev/null
runuser -u postgres -- "$bindir/createdb" -h 127.0.0.1 -p "$pgport" -U postgres tinbao
url="postgres://postgres@127.0.0.1:$pgport/tinbao"
echo "== seeding $count sample cases"
DATABASE_URL="$url" TINBAO_DATA_DIR="$work/data" TINBAO_LOG=warn "$work/bin-B" cases seed-sample --count "$count"
runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -q -c "VACUUM ANALYZE" -c "CHECKPOINT"

start() { # binary
    port="$(free_port)"
    DATABASE_URL="$url" TINBAO_LISTEN="127.0.0.1:$port" TINBAO_DATA_DIR="$work/data" TINBAO_LOG=warn "$1" serve >>"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
    base="http://127.0.0.1:$port"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

password="benchmark tulip garage seventy"
declare -A results=()
lines=(
    "officer, newest|officer|/api/v1/cases?limit=50"
    "officer, status=new|officer|/api/v1/cases?status=new&limit=50"
    "supervisor, newest|supervisor|/api/v1/cases?limit=50"
    "supervisor, status=new|supervisor|/api/v1/cases?status=new&limit=50"
    "supervisor, due soonest|supervisor|/api/v1/cases?sort=due_soonest&limit=50"
    "supervisor, priority|supervisor|/api/v1/cases?sort=priority&limit=50"
    "supervisor, overdue|supervisor|/api/v1/cases?overdue=true&limit=50"
)
for round in $(seq 1 "$rounds"); do
    for side in A B; do
        start "$work/bin-$side"
        # Fresh accounts each turn: access tokens live 10 minutes, less than a whole run.
        DATABASE_URL="$url" TINBAO_DATA_DIR="$work/data" TINBAO_LOG=warn TINBAO_ADMIN_PASSWORD="$password" \
            "$work/bin-$side" users create-admin --login "ab.admin.$side$round" >/dev/null
        admin="$(python3 .ci/session_token.py admin "$base" "ab.admin.$side$round" "$password")"
        officer="$(python3 .ci/session_token.py district_officer "$base" "ab.officer.$side$round" "$password" "$admin")"
        supervisor="$(python3 .ci/session_token.py supervisor "$base" "ab.supervisor.$side$round" "$password" "$admin")"
        for line in "${lines[@]}"; do
            IFS='|' read -r label who path <<<"$line"
            token="$officer"; [ "$who" = supervisor ] && token="$supervisor"
            out="$(wrk -t2 -c8 -d10s --timeout 10s -H "Authorization: Bearer $token" -s bench/latency.lua "$base$path" | tail -n 1)"
            [[ "$out" =~ statuses\ 200:[0-9]+\ $ ]] || { echo "!! $side $label: not every answer was 200: $out"; exit 1; }
            p50="$(sed -E 's/.*p50 ([0-9.]+) ms.*/\1/' <<<"$out")"
            p99="$(sed -E 's/.*p99 ([0-9.]+) ms.*/\1/' <<<"$out")"
            results["$label|$side"]+="$p99 ($p50)  "
        done
        stop
        echo "== round $round, $side done ($(date -u +%H:%MZ))"
    done
done
echo "== p99 ms (p50) per round, A = $old_rev, B = HEAD, $count cases"
for line in "${lines[@]}"; do
    IFS='|' read -r label _ _ <<<"$line"
    printf '%-26s A: %s\n%-26s B: %s\n' "$label" "${results[$label|A]}" "" "${results[$label|B]}"
done
