#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into the PostgreSQL database named by
# DATABASE_URL, replacing what it holds: pg_restore --clean --if-exists, in one
# transaction, so a restore that fails leaves the database as it was.
#
#   DATABASE_URL=postgres://... scripts/restore.sh [--yes] FILE
#   make restore FILE=var/backups/stratplan-20261122T070000Z.dump [YES=1]
#
# Without --yes it asks you to type the database's name, and refuses when nobody is there
# to type it. Stop the web processes and Celery workers first (docs/operations.md).
set -euo pipefail

usage="usage: DATABASE_URL=postgres://... $0 [--yes] FILE"
yes=""
file=""
for arg in "$@"; do
  case "$arg" in
    --yes | -y) yes=1 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) echo "restore: unknown option $arg" >&2; echo "$usage" >&2; exit 2 ;;
    *)
      if [ -n "$file" ]; then echo "$usage" >&2; exit 2; fi
      file="$arg"
      ;;
  esac
done

if [ -z "$file" ]; then echo "$usage" >&2; exit 2; fi
if [ ! -r "$file" ]; then echo "restore: cannot read $file" >&2; exit 2; fi
url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "restore: DATABASE_URL must name the PostgreSQL database to restore into." >&2; exit 2 ;;
esac
url="postgresql://${url#*://}"
name="${url##*/}"
name="${name%%\?*}"

# Check that the file is a dump before touching anything.
pg_restore --list "$file" >/dev/null

if [ -z "$yes" ]; then
  if [ ! -t 0 ]; then
    echo "restore: this replaces everything in database $name; run with --yes to confirm." >&2
    exit 3
  fi
  echo "This replaces everything in database \"$name\" with the contents of $file."
  read -r -p "Type the database name to go on: " answer
  if [ "$answer" != "$name" ]; then
    echo "restore: not confirmed; nothing done." >&2
    exit 3
  fi
fi

pg_restore --clean --if-exists --single-transaction --exit-on-error --no-password \
  --dbname="$url" "$file"
echo "restore: $file restored into $name." >&2
