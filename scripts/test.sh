#!/usr/bin/env bash
# The whole test suite from a fresh clone, in one command:
#
#     bash scripts/test.sh              # everything
#     bash scripts/test.sh -k store     # arguments go to pytest (-n 0: one process, e.g. for --pdb)
#
# 1. The system tools the tests use for real, from Debian's or Ubuntu's packages, installed only when
#    missing (as root, or through sudo): Chromium with CJK fonts (the HTML report rendered to PNG),
#    LibreOffice Calc and Writer without GUI (XLSX and DOCX opened and converted) and a PostgreSQL
#    server (the tests start a throwaway cluster of their own; the package's own is not used).
# 2. A virtual environment in .venv with this checkout installed in it, editable, with the test
#    extras; redone only when pyproject.toml changes.
# 3. pytest, in parallel (pytest-xdist, one worker per core).
#
# Nothing prompts (CI runs it with no terminal). A second run installs nothing and starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test.sh: $*"; }
die() {
    echo "test.sh: $*" >&2
    exit 1
}

# -- Python --------------------------------------------------------------------------------------

python=
for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
    fi
done
[ -n "$python" ] || die "Python 3.11 or newer is needed (python3 is $(python3 --version 2>&1))"
version_code='import sys; print("%d.%d" % sys.version_info[:2])'
py_version=$("$python" -c "$version_code")

# -- system packages -----------------------------------------------------------------------------

deb_installed() { # any of the packages named is installed
    local package
    for package in "$@"; do
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" = installed ] && return 0
    done
    return 1
}

deb_available() { # the package can be installed from the sources apt knows
    [[ "$(apt-cache policy "$1" 2>/dev/null)" == *"Candidate: "[0-9]* ]]
}

has() { command -v "$1" >/dev/null 2>&1; }

missing() { # the tools missing, one word each, on one line
    has chromium || has chromium-browser || printf '%s ' chromium
    deb_installed fonts-noto-cjk || printf '%s ' cjk-fonts
    { has soffice || has libreoffice; } &&
        deb_installed libreoffice-calc libreoffice-calc-nogui &&
        deb_installed libreoffice-writer libreoffice-writer-nogui || printf '%s ' libreoffice
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || has initdb || printf '%s ' postgresql
    "$python" -c 'import ensurepip, venv' 2>/dev/null || printf '%s ' venv
}

missing=$(missing)
if [ -n "$missing" ]; then
    has apt-get || die "missing: ${missing% }; this script installs them with apt-get only"
    if [ "$(id -u)" -eq 0 ]; then
        as_root=()
    elif has sudo; then
        # with no terminal sudo must not wait for a password it cannot read
        if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
    else
        die "missing: ${missing% }; run this as root, or install sudo"
    fi
    apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0)
    "${apt[@]}" update

    wanted=()
    for tool in $missing; do
        case $tool in
        chromium)
            # Debian: chromium; Ubuntu: chromium-browser (a snap, which needs snapd running)
            if deb_available chromium; then wanted+=(chromium); else wanted+=(chromium-browser); fi
            ;;
        cjk-fonts) wanted+=(fonts-noto-cjk) ;;
        libreoffice)
            # the parts without a GUI where the release has them, unless the GUI's core is there
            suffix=-nogui
            if deb_installed libreoffice-core || ! deb_available libreoffice-calc-nogui; then
                suffix=
            fi
            deb_installed libreoffice-calc libreoffice-calc-nogui ||
                wanted+=("libreoffice-calc$suffix")
            deb_installed libreoffice-writer libreoffice-writer-nogui ||
                wanted+=("libreoffice-writer$suffix")
            ;;
        postgresql) wanted+=(postgresql) ;; # the tests start a cluster of their own
        venv) wanted+=("python$py_version-venv") ;;
        esac
    done
    say "installing ${wanted[*]}"
    "${apt[@]}" install --no-install-recommends "${wanted[@]}"
    missing=$(missing)
    [ -z "$missing" ] || die "still missing after apt-get install: ${missing% }"
fi

# -- the virtual environment ---------------------------------------------------------------------

venv=.venv
stamp=$venv/.minshi-test-extras # pyproject.toml's checksum as of the last install
version_of_venv=$($venv/bin/python -c "$version_code" 2>/dev/null || true)
if [ "$version_of_venv" != "$py_version" ]; then
    say "creating $venv (Python $py_version)"
    "$python" -m venv --clear $venv
fi
checksum=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat $stamp 2>/dev/null)" != "$checksum" ]; then
    say "installing minshi with its test extras into $venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 $venv/bin/python -m pip install -q -e '.[test]'
    echo "$checksum" >$stamp
fi

# -- the tests -----------------------------------------------------------------------------------

# as if activated: the tests find the venv's tools (ruff) on PATH
export VIRTUAL_ENV=$PWD/$venv
export PATH=$VIRTUAL_ENV/bin:$PATH
exec python -m pytest -n auto "$@"
