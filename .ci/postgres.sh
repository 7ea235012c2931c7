#!/usr/bin/env bash
# Makes PostgreSQL's server binaries (initdb, pg_ctl) available for the store tests, which start
# a throwaway cluster of their own in a tmp dir (tests/pgserver.py).
# Installs Debian's postgresql package only when no server binaries are found.
set -euo pipefail

have_server() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

if ! have_server; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # the package's own cluster is not needed: the tests start theirs
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

have_server || { echo "postgres.sh: PostgreSQL server binaries still missing" >&2; exit 1; }
# the tests run the server as this unprivileged user when they run as root
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1
