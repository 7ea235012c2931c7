#!/usr/bin/env bash
# Tools the report tests render with: headless Chromium with CJK fonts (HTML → PNG) and
# LibreOffice Calc (XLSX → CSV). Installs only what is missing; a second run does nothing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
    || missing+=(fonts-noto-cjk)
need_calc=0
command -v libreoffice >/dev/null 2>&1 || need_calc=1

if [ ${#missing[@]} -eq 0 ] && [ $need_calc -eq 0 ]; then
    echo "browser.sh: chromium, fonts-noto-cjk and libreoffice are present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q

if [ $need_calc -eq 1 ]; then
    # the variant without a GUI is smaller; older releases only have the full one
    if apt-cache policy libreoffice-calc-nogui 2>/dev/null | grep -q "Candidate: [0-9]"; then
        missing+=(libreoffice-calc-nogui)
    else
        missing+=(libreoffice-calc)
    fi
fi

echo "browser.sh: installing ${missing[*]}"
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v chromium >/dev/null && command -v libreoffice >/dev/null
echo "browser.sh: done"
