#!/usr/bin/env bash
# The staff's work list at 10,000 and at 1,000,000 cases, on SQLite and PostgreSQL:
# GET /api/v1/cases for a district officer (Kiên Lương) and a supervisor (Kiên Giang) with
# the common filters, then case transitions per second; and the query plans of the list.
# Sample cases come from `tinbao cases seed-sample` (multi-row inserts). Release build,
# loopback, wrk with 8 connections for 15 s per scenario. Needs wrk. Each line shows, in
# brackets, how many cases its page held. PostgreSQL gets shared_buffers for this machine
# (2 GB of 24; the default 128 MB would send a province's pages to the kernel's cache).
# Usage: bench/cases.sh [LARGE_COUNT]   (BENCH_BACKENDS="postgres" to run one backend)
set -euo pipefail
cd "$(dirname "$0")/.."
large="${1:-1000000}"
small=10000
backends=" ${BENCH_BACKENDS:-sqlite postgres} "
# BENCH_LISTS=search measures the free-text lists alone (and their plans); BENCH_LISTS=
# console measures the console's work list page beside the API's list, query by query;
# BENCH_LISTS="search console" both, on one seeding.
lists=" ${BENCH_LISTS:-all} "
measuring() { [[ "$lists" == *" $1 "* ]]; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
cargo build --release --quiet --bin tinbao
bin="$CARGO_TARGET_DIR/release/tinbao"
work="$(mktemp -d)"
chmod 755 "$work"
server=""
bindir=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    [ -d "$work/pg" ] && runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
password="benchmark tulip garage seventy"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() { # database_url data_dir
    port="$(free_port)"
    DATABASE_URL="$1" TINBAO_LISTEN="127.0.0.1:$port" TINBAO_DATA_DIR="$2" TINBAO_LOG=warn "$bin" serve >"$2.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
    base="http://127.0.0.1:$port"
}

stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# How many cases a page holds (token path).
page_size() {
    curl -fsS -H "Authorization: Bearer $1" "$base$2" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))'
}

# Where the first page of a list ends (token path).
next_cursor() {
    curl -fsS -H "Authorization: Bearer $1" "$base$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["next_cursor"])'
}

run_wrk() { # label token path [header]
    printf '%-58s ' "$1"
    local out
    out="$(wrk -t2 -c8 -d15s --timeout 10s -H "${4:-Authorization: Bearer $2}" -s bench/latency.lua "$base$3" | tail -n 1)"
    echo "$out"
    # A benchmark of refusals measures nothing: every answer must be a 200.
    [[ "$out" =~ statuses\ 200:[0-9]+\ $ ]] || echo "  !! not every answer was 200"
}

# Measures a list and remembers how many cases its page held at the small size. At the
# large size, a list whose small page was not full is measured again asking for that many
# cases (limit=N): growth is then compared for the same work, not for 50 cases against 3.
declare -A small_pages=()
measure() { # label token path
    local n
    n="$(page_size "$2" "$3")"
    run_wrk "$1 [$n]" "$2" "$3"
    if [ "$count" = "$small" ]; then
        small_pages["$1"]="$n"
    elif [ "${small_pages[$1]:-0}" -gt 0 ] && [ "${small_pages[$1]}" -lt "$n" ]; then
        run_wrk "$1, limit=${small_pages[$1]} [as at $small]" "$2" "${3/limit=50/limit=${small_pages[$1]}}"
    fi
}

# Fresh accounts and tokens (database_url data_dir suffix): access tokens live 10 minutes,
# less than a backend's run.
sign_in() {
    DATABASE_URL="$1" TINBAO_DATA_DIR="$2" TINBAO_LOG=warn TINBAO_ADMIN_PASSWORD="$password" \
        "$bin" users create-admin --login "bench.admin.$3" >/dev/null
    admin="$(python3 .ci/session_token.py admin "$base" "bench.admin.$3" "$password")"
    officer="$(python3 .ci/session_token.py district_officer "$base" "bench.officer.$3" "$password" "$admin")"
    supervisor="$(python3 .ci/session_token.py supervisor "$base" "bench.supervisor.$3" "$password" "$admin")"
}

# After a bulk load, let the database finish its own upkeep before measuring: otherwise
# PostgreSQL's autovacuum works through the 990,000 new rows during the measurements, on
# the same two cores (a p99 of 35 ms where p50 was 3.4 ms, in one run).
settle() { # name
    if [ "$1" = postgres ]; then
        runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -q -c "VACUUM ANALYZE" -c "CHECKPOINT"
    fi
}

run_backend() { # name database_url plan_command
    local name="$1" url="$2" data="$work/data-$1"
    small_pages=()
    mkdir -p "$data"
    echo "== $name: seeding $small sample cases"
    DATABASE_URL="$url" TINBAO_DATA_DIR="$data" TINBAO_LOG=warn "$bin" cases seed-sample --count "$small"
    start "$url" "$data"
    for count in "$small" "$large"; do
        if [ "$count" != "$small" ]; then
            stop
            echo "== $name: seeding up to $count sample cases"
            DATABASE_URL="$url" TINBAO_DATA_DIR="$data" TINBAO_LOG=warn "$bin" cases seed-sample --count "$((count - small))"
            settle "$name"
            start "$url" "$data"
        fi
        sign_in "$url" "$data" "$count"
        if measuring console; then
            console_lists "$url" "$data" "$count"
        fi
        measuring all || measuring search || continue
        echo "== $name, $count cases: GET /api/v1/cases (8 connections, 15 s each)"
        # Free text (q=): a word in two cases of five (ghe), a full name in a few hundredths
        # with a status, a given name in about one case of seventy (kiet), and names that
        # hardly any case holds: the index's case, where a scan reads the whole scope.
        measure "supervisor, q=ghe" "$supervisor" "/api/v1/cases?q=ghe&limit=50"
        measure "supervisor, q=nguyen van, status=new" "$supervisor" "/api/v1/cases?q=nguyen%20van&status=new&limit=50"
        measure "supervisor, q=kiet" "$supervisor" "/api/v1/cases?q=kiet&limit=50"
        measure "supervisor, q=truong thi yen" "$supervisor" "/api/v1/cases?q=truong%20thi%20yen&limit=50"
        measure "supervisor, q=dang van lam, due soonest" "$supervisor" "/api/v1/cases?q=dang%20van%20lam&sort=due_soonest&limit=50"
        measure "officer, q=kiet" "$officer" "/api/v1/cases?q=kiet&limit=50"
        measuring all || continue
        measure "officer, newest" "$officer" "/api/v1/cases?limit=50"
        measure "officer, status=new" "$officer" "/api/v1/cases?status=new&limit=50"
        measure "officer, status=new,accepted" "$officer" "/api/v1/cases?status=new,accepted&limit=50"
        measure "supervisor, newest" "$supervisor" "/api/v1/cases?limit=50"
        measure "supervisor, status=new" "$supervisor" "/api/v1/cases?status=new&limit=50"
        measure "supervisor, district 902, status=new" "$supervisor" "/api/v1/cases?unit=2024.district.902&status=new&limit=50"
        measure "supervisor, due soonest" "$supervisor" "/api/v1/cases?sort=due_soonest&limit=50"
        measure "supervisor, priority" "$supervisor" "/api/v1/cases?sort=priority&limit=50"
        measure "supervisor, overdue" "$supervisor" "/api/v1/cases?overdue=true&limit=50"
        next="$(next_cursor "$supervisor" "/api/v1/cases?limit=50")"
        measure "supervisor, newest, page 2 (keyset)" "$supervisor" "/api/v1/cases?limit=50&cursor=$next"
        next="$(next_cursor "$supervisor" "/api/v1/cases?sort=due_soonest&limit=50")"
        measure "supervisor, due soonest, page 2 (keyset)" "$supervisor" "/api/v1/cases?sort=due_soonest&limit=50&cursor=$next"
    done
    if measuring all || measuring search; then
        echo "== $name, $count cases: plans"
        "$3"
    fi
    if ! measuring all; then
        stop
        return
    fi
    sign_in "$url" "$data" transitions
    echo "== $name, $count cases: transitions (the supervisor accepts each new case of Kiên Giang once, 4 connections)"
    python3 - "$base" "$supervisor" >"$work/new-cases.txt" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1:3]
cursor, ids = None, []
while len(ids) < 5000:
    path = "/api/v1/cases?status=new&limit=100" + (f"&cursor={cursor}" if cursor else "")
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(request))
    ids += [c["id"] for c in page["items"] if c["version"] == 1]
    cursor = page["next_cursor"]
    if not cursor:
        break
print("\n".join(ids))
PY
    python3 bench/transitions.py "$base" "$supervisor" "$work/new-cases.txt" 4
    echo "$name: peak RSS $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status")"
    stop
}

# The console's work list (/staff/cases: the page, its five quick filters' counts up to
# 100, the list) beside the API's list for the same query, as the same members.
console_lists() { # database_url data_dir suffix
    local officer_cookie supervisor_cookie query
    officer_cookie="$(python3 bench/console_cookie.py district_officer "$base" "bench.console.officer.$3" "$password" "$admin")"
    supervisor_cookie="$(python3 bench/console_cookie.py supervisor "$base" "bench.console.supervisor.$3" "$password" "$admin")"
    echo "== $name, $count cases: the console's work list beside GET /api/v1/cases (8 connections, 15 s each)"
    for query in "status=new&status=accepted&status=investigating" "status=new" "sort=due_soonest" "q=kiet"; do
        run_wrk "officer, API, $query" "$officer" "/api/v1/cases?$query&limit=50"
        run_wrk "officer, console, $query" "" "/staff/cases?$query" "Cookie: $officer_cookie"
        run_wrk "supervisor, API, $query" "$supervisor" "/api/v1/cases?$query&limit=50"
        run_wrk "supervisor, console, $query" "" "/staff/cases?$query" "Cookie: $supervisor_cookie"
    done
}

sqlite_plans() {
    python3 - "$work/data-sqlite/tinbao.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
authority = db.execute("SELECT id FROM authorities WHERE code = '2024-D902'").fetchone()[0]
queries = {
    "officer, status=new": ("SELECT * FROM cases WHERE authority_id = ? AND status IN ('new') ORDER BY id DESC LIMIT 51", (authority,)),
    "officer, newest": ("SELECT * FROM cases WHERE authority_id = ? ORDER BY id DESC LIMIT 51", (authority,)),
    "supervisor, status=new": ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 AND status IN ('new') ORDER BY id DESC LIMIT 51", ()),
    "supervisor, newest": ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 ORDER BY id DESC LIMIT 51", ()),
    "supervisor, district 902, status=new": ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 AND status IN ('new') AND district_code = 902 ORDER BY id DESC LIMIT 51", ()),
    "supervisor, due soonest": ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 ORDER BY resolve_due_at, id LIMIT 51", ()),
    "supervisor, priority, page 2": ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 AND (priority_rank, id) > (1, '0') ORDER BY priority_rank, id LIMIT 51", ()),
}
# A supervisor's search, as db::work_list writes it: the word index's candidates (at most
# 601), then the page among them; or, when there are more, the scope in the page's order.
def candidates(match):
    return ("SELECT case_id FROM case_search_keys WHERE key IN (SELECT rowid FROM case_search WHERE case_search MATCH ? LIMIT 601)", (match,))
# The province's own words (migration 000015): p2024x91xkiet.
queries["supervisor, q=kiet: candidates"] = candidates('"p2024x91xkiet"')
ids = [r[0] for r in db.execute(*candidates('"p2024x91xkiet"'))]
for words in ('"p2024x91xghe"', '"p2024x91xnguyen" AND "p2024x91xvan" AND ("p2024x91snew")'):
    print(f"  ({words}: {len(db.execute(*candidates(words)).fetchall())} candidates, at most 601 read)")
print(f"  (q=kiet: {len(ids)} candidates in Kiên Giang)")
marks = ", ".join("?" for _ in ids)
queries["supervisor, q=kiet: the page among them"] = (f"SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 AND id IN ({marks}) ORDER BY id DESC LIMIT 51", tuple(ids))
queries["supervisor, q=ghe: the scope in order"] = ("SELECT * FROM cases WHERE unit_scheme = '2024' AND province_code = 91 AND search_text LIKE '% ghe %' ESCAPE '\\' ORDER BY id DESC LIMIT 51", ())
for name, (sql, args) in queries.items():
    plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args))
    print(f"  {name}: {plan}")
PY
}

# The server's statements are prepared with their values as parameters, and PostgreSQL
# runs such a statement with one generic plan after a few executions: the plans shown are
# those generic plans (estimated without the values), not the ones psql would make for
# the same SQL with the values written in. The join is the server's: each case's
# authority's name. A value written `(SELECT $3::type)` is one the server keeps from the
# planner (db::unplanned_values); the cast stands for the type the server sends with it.
postgres_plans() {
    local q="SELECT cases.*, authorities.name FROM cases JOIN authorities ON authorities.id = cases.authority_id WHERE"
    local kl sql args
    kl="'$(runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -A -t \
        -c "SELECT id FROM authorities WHERE code = '2024-D902'")'"
    while IFS='|' read -r sql args; do
        echo "  $sql   -- $args"
        runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -A -t -q \
            -c "SET plan_cache_mode = force_generic_plan" -c "PREPARE p AS $sql" \
            -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE p($args)" | sed 's/^/    /'
    done <<EOF
$q cases.authority_id = \$1 AND cases.status = \$2 ORDER BY cases.id DESC LIMIT 51|$kl, 'new'
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 AND cases.status = \$3 ORDER BY cases.id DESC LIMIT 51|'2024', 91, 'new'
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 ORDER BY cases.id DESC LIMIT 51|'2024', 91
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 AND cases.status = \$3 AND cases.district_code = \$4 ORDER BY cases.id DESC LIMIT 51|'2024', 91, 'new', 902
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 ORDER BY cases.resolve_due_at, cases.id LIMIT 51|'2024', 91
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 AND (cases.priority_rank, cases.id) > ((SELECT \$3::integer), (SELECT \$4::text)) ORDER BY cases.priority_rank, cases.id LIMIT 51|'2024', 91, 1, '0'
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 AND cases.id < (SELECT \$3::text) ORDER BY cases.id DESC LIMIT 51|'2024', 91, 'ffffffff'
$q cases.unit_scheme = \$1 AND cases.province_code = \$2 AND ((cases.status = 'new' AND cases.accept_due_at < (SELECT \$3::timestamp)) OR (cases.status IN ('new', 'accepted', 'investigating') AND cases.resolve_due_at < (SELECT \$3::timestamp))) ORDER BY cases.id DESC LIMIT 51|'2024', 91, now()::timestamp
EOF
    # A search (db::case_search::candidates): the word index alone, with the province's
    # own words, for at most 601 cases; then the page among them (few), or the scope in
    # the page's order with each phrase a LIKE (many).
    for words in "ghe" "kiet" "truong <-> thi <-> yen" "nguyen <-> van"; do
        local tsq="p2024x91x${words// <-> / <-> p2024x91x}"
        sql="SELECT id FROM cases WHERE search_vector @@ to_tsquery('simple', '$tsq') LIMIT 601"
        echo "  candidates: $sql"
        runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -A -t -q \
            -c "BEGIN" -c "SET LOCAL enable_seqscan = off" -c "SET LOCAL enable_indexscan = off" \
            -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $sql" -c "COMMIT" | sed 's/^/    /'
    done
    sql="$q cases.unit_scheme = '2024' AND cases.province_code = 91 AND cases.search_text LIKE '% ghe %' ORDER BY cases.id DESC LIMIT 51"
    echo "  the scope in order: $sql"
    runuser -u postgres -- psql -h 127.0.0.1 -p "$pgport" -U postgres -d tinbao -X -A -t -q \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $sql" | sed 's/^/    /'
}

if [[ "$backends" == *" sqlite "* ]]; then
    run_backend sqlite "sqlite://$work/data-sqlite/tinbao.db" sqlite_plans
fi
if [[ "$backends" == *" postgres "* ]]; then
    bindir="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort | tail -n 1)"
    mkdir -p "$work/pg" && chown postgres:postgres "$work/pg"
    pgport="$(free_port)"
    runuser -u postgres -- "$bindir/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
    runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
        -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=2GB" start >/dev/null
    runuser -u postgres -- "$bindir/createdb" -h 127.0.0.1 -p "$pgport" -U postgres tinbao
    run_backend postgres "postgres://postgres@127.0.0.1:$pgport/tinbao" postgres_plans
fi
