#!/usr/bin/env bash
# Back up the PostgreSQL database named by DATABASE_URL: `pg_dump -Fc` (custom format:
# compressed, restorable table by table with pg_restore) to a timestamped file, then delete
# dumps older than the retention period. Prints the path of the new dump.
#
#   DATABASE_URL=postgres://... scripts/backup.sh      (or: make backup)
#
# BACKUP_DIR      where dumps go (default var/backups/ in the repository)
# BACKUP_KEEP_DAYS  dumps older than this many days are deleted (default 35; 0 keeps all)
#
# The dump is consistent (one snapshot) while the site runs. It holds the database only:
# uploaded evidence and built report files live in MEDIA_ROOT and are backed up with the
# file system (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  "") echo "backup: DATABASE_URL is not set; it must name the PostgreSQL database." >&2; exit 2 ;;
  *) echo "backup: DATABASE_URL is not a PostgreSQL URL (postgres://...); nothing done." >&2; exit 2 ;;
esac
url="postgresql://${url#*://}"  # libpq knows postgresql:// and postgres://; be explicit

dir="${BACKUP_DIR:-var/backups}"
keep_days="${BACKUP_KEEP_DAYS:-35}"
case "$keep_days" in
  '' | *[!0-9]*) echo "backup: BACKUP_KEEP_DAYS must be a number of days." >&2; exit 2 ;;
esac
mkdir -p "$dir"
chmod 700 "$dir"  # the dump holds every account's data

name="${url##*/}"
name="${name%%\?*}"
file="$dir/${name}-$(date -u +%Y%m%dT%H%M%SZ).dump"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

# Written under another name first, so a dump cut short is never taken for a backup.
pg_dump --format=custom --no-password --file="$partial" "$url"
chmod 600 "$partial"
mv "$partial" "$file"

if [ "$keep_days" -gt 0 ]; then
  find "$dir" -maxdepth 1 -type f -name '*.dump' -mtime "+$((keep_days - 1))" \
    ! -path "$file" -print -delete | sed 's/^/backup: deleted old dump /' >&2
fi
echo "$file"
