#!/bin/sh
# System packages ecodigital's notes and their tests need (Debian/Ubuntu).
# Idempotent: apt-get install does nothing for packages already installed.
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint (PDF notes)
#   fonts-dejavu-core                 the notes' font, same in PDF, HTML and charts
#   poppler-utils                     pdftoppm, renders a PDF page to PNG in a test
#   chromium                          headless browser test of the HTML note
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils chromium"
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
