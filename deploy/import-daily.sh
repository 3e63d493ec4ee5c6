#!/bin/sh
# The daily service-usage import and identification (deploy/luotsi-import.service, or cron).
#
# Imports every file in $LUOTSI_IMPORT_DIR (default /var/lib/luotsi/import) in name order with
# `manage.py import_service_events` (the format from the file's extension: .csv, .parquet,
# .json/.ndjson for FHIR) and moves each imported file to done/; a file that fails stays where it
# is, to be imported again after it is fixed (re-importing adds nothing twice). Then evaluates the
# identification rules for today (`manage.py identify_shared_clients --incremental`). Exits
# non-zero when any import or the identification failed.
set -u
cd "$(dirname "$0")/.." || exit 1
dir="${LUOTSI_IMPORT_DIR:-/var/lib/luotsi/import}"
python="${LUOTSI_PYTHON:-.venv/bin/python}"
status=0
mkdir -p "$dir/done" || exit 1
for file in "$dir"/*; do
    [ -f "$file" ] || continue
    if "$python" manage.py import_service_events "$file"; then
        mv "$file" "$dir/done/" || status=1
    else
        echo "import of $(basename "$file") failed; the file stays in $dir" >&2
        status=1
    fi
done
"$python" manage.py identify_shared_clients --incremental || status=1
exit "$status"
