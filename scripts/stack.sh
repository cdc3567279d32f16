#!/usr/bin/env bash
# The production arrangement on one machine, without Docker: gunicorn, a Celery worker and
# Celery beat as background processes, on the PostgreSQL and Redis already running here.
# docker-compose.yml describes the same arrangement with containers.
#
#   bash scripts/stack.sh start    # make stack: check, migrate, collect, seed, start, smoke
#   bash scripts/stack.sh stop     # make stack-stop
#   bash scripts/stack.sh status
#
# Settings (environment, with their defaults):
#   DATABASE_URL        postgres://postgres@127.0.0.1:5432/stratplan_stack (created if missing)
#   CELERY_BROKER_URL   redis://127.0.0.1:6379/5
#   STACK_BIND          127.0.0.1:8001
#   WEB_WORKERS         2 * cores + 1 gunicorn worker processes
#   WEB_THREADS         1 thread per worker (sync worker; >1 switches to gthread)
#   WORKER_CONCURRENCY  2 Celery worker processes
# Pid files, logs, the generated SECRET_KEY and the beat schedule live in var/stack/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
STACK_DIR=$ROOT/var/stack
PY=$ROOT/.venv/bin/python
SERVICES=(web worker beat)

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/stratplan_stack}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/5}
STACK_BIND=${STACK_BIND:-127.0.0.1:8001}
CORES=$(nproc 2>/dev/null || echo 1)
WEB_WORKERS=${WEB_WORKERS:-$((2 * CORES + 1))}
WEB_THREADS=${WEB_THREADS:-1}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}

# Production settings. Plain http on localhost: no Secure cookies, no redirect to https,
# no HSTS (a browser would remember it for localhost). Behind TLS, leave these unset.
export DEBUG=0
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export SECURE_COOKIES=0
export SECURE_SSL_REDIRECT=0
export SECURE_HSTS_SECONDS=0
export MEDIA_ROOT=${MEDIA_ROOT:-$STACK_DIR/media}
# Collected static files stay with the stack, out of the working tree (where WhiteNoise
# would scan them for every test client).
export STATIC_ROOT=${STATIC_ROOT:-$STACK_DIR/static}
export DJANGO_SETTINGS_MODULE=config.settings

pid_of() {
    local file=$STACK_DIR/$1.pid
    [[ -s $file ]] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

secret_key() {
    local file=$STACK_DIR/secret_key
    if [[ ! -s $file ]]; then
        (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$file")
    fi
    cat "$file"
}

check_services() {
    # PostgreSQL: connect to the server's maintenance database; create ours if missing.
    "$PY" - <<'EOF'
import os, sys
import dj_database_url, psycopg
from psycopg import sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
server = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
              password=db["PASSWORD"] or None, connect_timeout=5)
try:
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"PostgreSQL: created database {db['NAME']}.")
        version = conn.execute("SHOW server_version").fetchone()[0]
    print(f"PostgreSQL {version} at {server['host']}:{server['port']}: up, database {db['NAME']}.")
except psycopg.OperationalError as error:
    sys.exit(f"PostgreSQL is not reachable at {server['host']}:{server['port']}: {error}")
EOF
    "$PY" - <<'EOF'
import os, sys
import redis

url = os.environ["CELERY_BROKER_URL"]
try:
    info = redis.Redis.from_url(url, socket_timeout=5).info("server")
except redis.RedisError as error:
    sys.exit(f"Redis is not reachable at {url}: {error}")
print(f"Redis {info['redis_version']} at {url}: up.")
EOF
}

collect_static() {
    # Hashing and compressing ~2,800 files takes minutes of CPU: skip it when nothing
    # under static/ nor the installed packages changed since the last run.
    local manifest=$STATIC_ROOT/staticfiles.json
    if [[ -z ${COLLECTSTATIC:-} && -f $manifest && $manifest -nt $ROOT/.venv/.installed ]] &&
        [[ -z $(find "$ROOT/static" -newer "$manifest" -print -quit) ]]; then
        echo "Static files: unchanged since the last collectstatic (COLLECTSTATIC=1 forces it)."
        return
    fi
    "$PY" manage.py collectstatic --noinput
}

start_service() {
    # setsid: the process leaves the terminal's session, so it outlives `make` and ^C.
    local name=$1
    shift
    setsid "$@" >>"$STACK_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$STACK_DIR/$name.pid"
}

smoke_check() {
    local url="http://$STACK_BIND/accounts/login/" code=""
    for _ in $(seq 1 30); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
        [[ $code == 200 ]] && break
        sleep 1
    done
    if [[ $code != 200 ]]; then
        echo "Smoke check failed: GET $url answered ${code:-nothing}; see $STACK_DIR/web.log" >&2
        return 1
    fi
    echo "Smoke check: GET $url -> 200."
    for _ in $(seq 1 15); do
        if "$ROOT/.venv/bin/celery" -A config inspect ping --timeout 2 >/dev/null 2>&1; then
            echo "Smoke check: the Celery worker answers ping."
            return 0
        fi
        sleep 1
    done
    echo "Smoke check failed: the Celery worker does not answer; see $STACK_DIR/worker.log" >&2
    return 1
}

start() {
    mkdir -p "$STACK_DIR" "$MEDIA_ROOT"
    for name in "${SERVICES[@]}"; do
        if pid=$(pid_of "$name"); then
            echo "The stack is already running ($name has pid $pid): make stack-stop first." >&2
            exit 1
        fi
    done
    SECRET_KEY=$(secret_key)
    export SECRET_KEY
    check_services
    "$PY" manage.py migrate --noinput
    collect_static
    "$PY" manage.py load_seed_data

    local worker_class=sync
    ((WEB_THREADS > 1)) && worker_class=gthread
    # --preload imports the application once before forking, so that gc.freeze() in
    # config/wsgi.py covers the objects every worker shares.
    start_service web "$ROOT/.venv/bin/gunicorn" config.wsgi:application \
        --bind "$STACK_BIND" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
        --worker-class "$worker_class" --preload --timeout 60 --graceful-timeout 30 \
        --access-logfile "$STACK_DIR/access.log" \
        --access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
    start_service worker "$ROOT/.venv/bin/celery" -A config worker --loglevel INFO \
        --concurrency "$WORKER_CONCURRENCY" --hostname "stack-worker@%h"
    start_service beat "$ROOT/.venv/bin/celery" -A config beat --loglevel INFO \
        --schedule "$STACK_DIR/celerybeat-schedule"
    echo "Started gunicorn ($WEB_WORKERS workers x $WEB_THREADS threads on $STACK_BIND)," \
        "a Celery worker (concurrency $WORKER_CONCURRENCY) and Celery beat."

    if ! smoke_check; then
        stop
        exit 1
    fi
    cat <<EOF

The stack runs at http://$STACK_BIND/ (DEBUG off, database ${DATABASE_URL##*/}, broker $CELERY_BROKER_URL).
No demo accounts with DEBUG off: create users with
  DATABASE_URL=$DATABASE_URL .venv/bin/python manage.py createsuperuser
or load-test users with 'manage.py create_load_users N' (make load does it).
Logs and pid files: $STACK_DIR/{web,worker,beat}.{log,pid}, access log $STACK_DIR/access.log
Stop it with: make stack-stop   (or: bash scripts/stack.sh stop)
EOF
}

stop() {
    local name pid
    for name in "${SERVICES[@]}"; do
        if ! pid=$(pid_of "$name"); then
            rm -f "$STACK_DIR/$name.pid"
            continue
        fi
        # TERM: gunicorn finishes its requests, Celery its tasks (warm shutdown).
        kill -TERM "$pid"
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        if kill -0 "$pid" 2>/dev/null; then
            # Each service leads its own process group (setsid): kill its children too.
            echo "$name (pid $pid) did not stop in 30 s: killing its process group."
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
        rm -f "$STACK_DIR/$name.pid"
        echo "Stopped $name (pid $pid)."
    done
}

status() {
    local name pid
    for name in "${SERVICES[@]}"; do
        if pid=$(pid_of "$name"); then
            echo "$name: running (pid $pid)"
        else
            echo "$name: stopped"
        fi
    done
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 [start|stop|status]" >&2
        exit 2
        ;;
esac
