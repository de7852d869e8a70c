#!/bin/sh
# Debian/Ubuntu packages ecodigital needs beyond Python. Idempotent: installs
# only what is missing.
#   (always)  libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint, for PDF notes
#             fonts-dejavu-core                 the notes' font, same in PDF, HTML and charts
#   --test    poppler-utils                     pdftoppm renders a PDF page to PNG in a test
#             chromium                          headless browser tests of the HTML outputs
#             libreoffice-calc-nogui            headless soffice opens the RGESN spreadsheets in a test
#             nodejs npm (when npm is missing)  the npm tools of tools/npm/, installed in the
#                                               project (not globally) from its lock file:
#                                               @grnsft/if 1.1.0 (if-run runs the exported Impact
#                                               Framework manifests) and playwright-core (records
#                                               a HAR file in Debian's Chromium)
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
if [ "${1:-}" = "--test" ]; then
    PACKAGES="$PACKAGES poppler-utils chromium libreoffice-calc-nogui"
    command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"
elif [ -n "${1:-}" ]; then
    echo "usage: $0 [--test]" >&2
    exit 2
fi
missing=""
for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $package"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
echo "system packages: $PACKAGES"
if [ "${1:-}" = "--test" ]; then
    # npm ci only when the lock file changed since the last install (a stamp in node_modules)
    tools="$(cd "$(dirname "$0")/.." && pwd)/tools/npm"
    stamp="$tools/node_modules/.ecodigital-lock.sha256"
    wanted=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
    if [ ! -x "$tools/node_modules/.bin/if-run" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
        echo "$wanted" > "$stamp"
    fi
    echo "npm tools: $("$tools/node_modules/.bin/if-run" --help >/dev/null 2>&1 && echo if-run) playwright-core, in $tools"
fi
