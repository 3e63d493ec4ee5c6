#!/bin/sh
# The access log's daily check and anchor (deploy/luotsi-access-log-anchor.service, or cron).
#
# Verifies the access log's keyed hash chain against the previous anchor kept in
# $LUOTSI_ANCHOR_FILE (default /var/lib/luotsi/anchor): `manage.py verify_access_log --expect`
# fails when a record up to that anchor was rewritten or the log was cut, or restored from a
# backup older than the anchor. Only then is today's anchor (`manage.py access_log_anchor`)
# written to the file and printed on the last line, for the journal or `logger` to carry to the
# county's central log server. On the first run there is no anchor yet: the chain alone is
# verified. A failure is an incident: the file keeps the old anchor (docs/personal-data.md).
set -eu
cd "$(dirname "$0")/.."
anchor_file="${LUOTSI_ANCHOR_FILE:-/var/lib/luotsi/anchor}"
python="${LUOTSI_PYTHON:-.venv/bin/python}"
if [ -s "$anchor_file" ]; then
    "$python" manage.py verify_access_log --expect "$(cat "$anchor_file")"
else
    echo "No earlier anchor in $anchor_file: verifying the chain alone (the first run)."
    "$python" manage.py verify_access_log
fi
output="$("$python" manage.py access_log_anchor)"
anchor="$(printf '%s\n' "$output" | tail -n 1)"
printf '%s\n' "$anchor" > "$anchor_file.new"
mv "$anchor_file.new" "$anchor_file"
echo "access-log anchor $anchor"
