#!/usr/bin/env bash
# Tip intake throughput (POST /api/v1/reports with varied tips, 32 connections) against a
# release build, on SQLite and on PostgreSQL, each beside its raw limit measured in the
# same run (examples/raw_intake.rs: the same rows, one transaction per tip, no HTTP).
# PostgreSQL runs with its default durability (fsync on) and shared_buffers sized for this
# machine (2 GB of 24, as docs/deploy.md advises). Loopback only; needs wrk.
# Usage: bench/intake.sh [SECONDS]   (BENCH_BACKENDS="postgres" to run one backend only)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
backends=" ${BENCH_BACKENDS:-sqlite postgres} "
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
cargo build --release --quiet --bin tinbao --example raw_intake
work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -d "$work/pg" ] && runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The communes of Kiên Giang, for varied tips.
communes="$(awk -F, '$1 == 91 && $5 != "" { printf "%s,", $5 }' data/admin-units-2024.csv)"
{ echo "COMMUNES = {${communes%,}}"; cat bench/intake.lua; } >"$work/intake.lua"

serve_and_load() { # name database_url
    local name="$1" url="$2" port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    DATABASE_URL="$url" TINBAO_LISTEN="127.0.0.1:$port" TINBAO_DATA_DIR="$work/data-$name" TINBAO_LOG=warn \
        TINBAO_RATE_ANON_REPORTS=1000000 "$CARGO_TARGET_DIR/release/tinbao" serve >"$work/$name.log" 2>&1 &
    local server=$!
    pids+=("$server")
    for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
    echo "== $name: POST /api/v1/reports, 32 connections, ${seconds}s"
    wrk -t2 -c32 -d"${seconds}s" --timeout 10s -s "$work/intake.lua" "http://127.0.0.1:$port" | grep -E "^tips:|Socket errors|Non-2xx"
    echo "$name: peak RSS $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status")"
    kill "$server"
}

if [[ "$backends" == *" sqlite "* ]]; then
    echo "== SQLite raw limit (same rows, one transaction per tip, 1 thread: SQLite has one writer, 10 s)"
    "$CARGO_TARGET_DIR/release/examples/raw_intake" "sqlite://$work/raw.db" 10 1
    serve_and_load sqlite "sqlite://$work/tinbao.db"
fi
[[ "$backends" == *" postgres "* ]] || exit 0

bindir="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort | tail -n 1)"
mkdir -p "$work/pg" && chown postgres:postgres "$work/pg"
pgport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
runuser -u postgres -- "$bindir/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c max_connections=100" start >/dev/null
for db in raw tinbao; do runuser -u postgres -- "$bindir/createdb" -h 127.0.0.1 -p "$pgport" -U postgres "$db"; done
echo "== PostgreSQL raw limit (same rows, one transaction per tip, 8 threads, 10 s)"
"$CARGO_TARGET_DIR/release/examples/raw_intake" "postgres://postgres@127.0.0.1:$pgport/raw" 10 8
# Let the cluster settle before tinbao's turn: otherwise autovacuum and the checkpointer
# clean up after the raw run's ~25,000 tips while tinbao is measured, on the same 2 cores.
runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d raw -X -q -c "VACUUM ANALYZE" -c "CHECKPOINT"
serve_and_load postgres "postgres://postgres@127.0.0.1:$pgport/tinbao"
