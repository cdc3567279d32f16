#!/usr/bin/env bash
# make load: the locust scenario of the three journeys against the running stack
# (make stack first), headless, once per user count; CSV statistics, locust's log and the
# load average sampled during each run go to var/load/users-<N>*; then the summary table,
# which fails the run when the target at the first user count is missed.
#
# Settings (environment, with their defaults):
#   LOAD_HOST        http://127.0.0.1:8001
#   LOAD_USERS       "25 50"   user counts, one run each; the target applies to the first
#   LOAD_RUN_TIME    2m        per run
#   LOAD_SPAWN_RATE  1         users started (and signed in) per second
#   DATABASE_URL     the stack's: postgres://postgres@127.0.0.1:5432/stratplan_stack
set -euo pipefail

cd "$(dirname "$0")/../.."
PY=.venv/bin/python
OUT=var/load
HOST=${LOAD_HOST:-http://127.0.0.1:8001}
read -r -a STEPS <<<"${LOAD_USERS:-25 50}"
RUN_TIME=${LOAD_RUN_TIME:-2m}
SPAWN_RATE=${LOAD_SPAWN_RATE:-1}

# The users are made in the stack's database, with the stack's settings.
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/stratplan_stack}
export DEBUG=0
if [[ -z ${SECRET_KEY:-} ]]; then
    if [[ ! -s var/stack/secret_key ]]; then
        echo "No var/stack/secret_key: start the stack first (make stack)." >&2
        exit 1
    fi
    SECRET_KEY=$(cat var/stack/secret_key)
    export SECRET_KEY
fi

code=$(curl -s -o /dev/null -w '%{http_code}' "$HOST/accounts/login/" || true)
if [[ $code != 200 ]]; then
    echo "$HOST/accounts/login/ answers ${code:-nothing}: start the stack first (make stack)." >&2
    exit 1
fi

mkdir -p "$OUT"
most=$(printf '%s\n' "${STEPS[@]}" | sort -n | tail -1)
"$PY" manage.py create_load_users "$most" --password-file "$OUT/password"
"$PY" tests/load/prepare.py "$HOST"

prefixes=()
for users in "${STEPS[@]}"; do
    prefix=$OUT/users-$users
    prefixes+=("$prefix")
    rm -f "$prefix"_*.csv "$prefix"_loadavg.txt
    command=(.venv/bin/locust -f tests/load/locustfile.py --headless --host "$HOST"
        --users "$users" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME"
        --csv "$prefix" --only-summary --stop-timeout 10)
    echo "${command[*]}" >"$prefix"_command.txt
    echo "Load test: $users users for $RUN_TIME against $HOST ($(date -u '+%F %T') UTC)..."
    # The machine is shared: sample its load average every 5 s while locust runs.
    (while sleep 5; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; done) \
        >"$prefix"_loadavg.txt &
    sampler=$!
    # locust exits 1 when any request failed; summary.py judges the run instead.
    "${command[@]}" >"$prefix".log 2>&1 || true
    kill "$sampler"
    grep -h "conflicts" "$prefix".log || true
done

"$PY" tests/load/summary.py "${prefixes[@]}" | tee "$OUT"/summary.md
exit "${PIPESTATUS[0]}"
