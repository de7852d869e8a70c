#!/usr/bin/env bash
# Debian packages the test suite needs (none beyond Python for the core yet).
# Idempotent: installs only what is missing.
set -euo pipefail
packages=()
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "system packages: ${packages[*]:-none needed}"
