#!/usr/bin/env bash
# Runs one BENCHMARKS.md scenario end to end: fresh server(s) on SQLite or PostgreSQL (with
# Redis when there are several instances), chat-bench against them, then cleans up.
#
#   bench/scenario.sh classic|fanout|history|durable|idle [sqlite|postgres] [extra chat-bench flags]
#
# Environment:
#   SERVER     server binary (default: the release bundle of `make build`)
#   BENCH      chat-bench binary (default: $CARGO_TARGET_DIR/release/chat-bench)
#   RATES      fanout/history/durable: messages/s to try in turn on the same server and users
#   USERS      idle: connections to hold (default 19000 per instance)
#   INSTANCES  idle: server instances (default 1; more need PostgreSQL and use Redis)
#   OUT        directory for the JSON reports (default: bench/results)
set -euo pipefail

scenario=${1:?usage: bench/scenario.sh SCENARIO [sqlite|postgres] [chat-bench flags]}
db=${2:-sqlite}
shift $(( $# >= 2 ? 2 : 1 ))
target_dir=${CARGO_TARGET_DIR:-$HOME/.cache/parlor/target}
SERVER=${SERVER:-$target_dir/dx/parlor/release/web/server}
BENCH=${BENCH:-$target_dir/release/chat-bench}
OUT=${OUT:-$(dirname "$0")/results}
INSTANCES=${INSTANCES:-1}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
REDIS=${REDIS:-redis://127.0.0.1:6379}
[ -x "$SERVER" ] || { echo "no server at $SERVER (make build)" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "no chat-bench at $BENCH (cargo build --release -p chat-bench)" >&2; exit 2; }
if [ "$INSTANCES" -gt 1 ] && [ "$db" != postgres ]; then
    echo "several instances share one database: use postgres" >&2
    exit 2
fi
mkdir -p "$OUT"

run=$(date +%s)_$$
data=$(mktemp -d)
database=""
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "$database" ] && psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$data"
}
trap cleanup EXIT

if [ "$db" = postgres ]; then
    database="chatbench_$run"
    psql -q "$PG_URL/postgres" -c "CREATE DATABASE $database" >/dev/null
fi

# Starts `INSTANCES` servers on ports 18500…; their pids go to `pids`, flags to `server_flags`.
start_servers() {
    pids=()
    server_flags=()
    for i in $(seq 0 $((INSTANCES - 1))); do
        local port=$((18500 + i))
        local -a env=(IP=127.0.0.1 PORT=$port DATA_DIR="$data" RUST_LOG=warn ACCESS_TOKEN_TTL=86400
            LIMIT_MESSAGES_PER_SECOND=0 LIMIT_API_PER_MINUTE=0 LIMIT_ANON_PER_MINUTE=0 LIMIT_LOGIN_FAILURES=0)
        [ -n "$database" ] && env+=(DATABASE_URL="$PG_URL/$database")
        [ "$INSTANCES" -gt 1 ] && env+=(REDIS_URL="$REDIS" REDIS_PREFIX="chatbench_$run")
        env -u DATABASE_URL -u REDIS_URL "${env[@]}" "$SERVER" >> "$data/server-$i.log" 2>&1 &
        pids+=($!)
        server_flags+=(--target "http://127.0.0.1:$port" --server-pid "$!")
        for _ in $(seq 300); do
            curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
            sleep 0.2
        done
        curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { tail -n 20 "$data/server-$i.log"; exit 2; }
    done
}

stop_servers() {
    for pid in "${pids[@]}"; do kill "$pid"; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}

bench() {
    local name=$1
    shift
    echo "== $scenario on $db: $name" >&2
    "$BENCH" "${server_flags[@]}" --json-file "$OUT/$scenario-$db-$name-$run.json" "$@"
}

fanout=(--users 10000 --pairs 0 --groups 200 --group-size 50 --duration 30 --setup-concurrency 16)
start_servers
case "$scenario" in
    classic)
        bench run --users 1000 --pairs 500 --groups 1 --group-size 50 --group-share 0.5 --rate 50 --duration 60 "$@"
        ;;
    fanout | history)
        # One set of users and chats for every rate: set up once, reused from the users file.
        history=()
        [ "$scenario" = history ] && history=(--history-rate "${HISTORY_RATE:-50}")
        for rate in ${RATES:-500 1000 2000}; do
            bench "$rate" "${fanout[@]}" --prefix fan_ --users-file "$data/users.json" --rate "$rate" "${history[@]}" "$@"
        done
        ;;
    durable)
        # Acked sends over HTTP from many senders; the highest rate with no errors and 0 lost is the answer.
        for rate in ${RATES:-1000 2000 4000}; do
            bench "$rate" --users 400 --pairs 200 --send http --max-in-flight 512 --prefix dur_ \
                --users-file "$data/users.json" --rate "$rate" --duration 20 "$@"
        done
        ;;
    idle)
        users=${USERS:-$((19000 * INSTANCES))}
        workers=$(( (users + 18999) / 19000 ))
        # Set up the users first, then restart the servers: memory per connection is then
        # measured on a heap that password hashing and registration never touched.
        bench setup --users "$users" --rate 0 --duration 1 --workers "$workers" --prefix idle_ \
            --users-file "$data/users.json" --setup-concurrency 16 --quiet > /dev/null
        stop_servers
        start_servers
        sleep 2
        bench hold --users "$users" --rate 0 --duration 30 --workers "$workers" --source-ips 8 --prefix idle_ \
            --users-file "$data/users.json" "$@"
        ;;
    *)
        echo "unknown scenario $scenario (classic, fanout, history, durable, idle)" >&2
        exit 2
        ;;
esac
