#!/bin/sh
# Debian/Ubuntu packages ecodigital needs beyond Python. Idempotent: installs
# only what is missing.
#   (always)  libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint, for PDF notes
#             fonts-dejavu-core                 the notes' font, same in PDF, HTML and charts
#   --test    poppler-utils                     pdftoppm renders a PDF page to PNG in a test
#             chromium                          headless browser tests of the HTML outputs
#             libreoffice-calc-nogui            headless soffice opens the RGESN spreadsheets in a test
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
if [ "${1:-}" = "--test" ]; then
    PACKAGES="$PACKAGES poppler-utils chromium libreoffice-calc-nogui"
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
