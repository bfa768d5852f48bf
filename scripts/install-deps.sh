#!/usr/bin/env bash
# Installs the Debian packages stapled needs to build, test and run its demo (Debian 12).
# Idempotent and quiet when everything is present: `apt-get update` runs only if something is
# missing, once. Works as root (CI) or through sudo.
#
#   scripts/install-deps.sh
#   STAPLED_EXTRA_PACKAGES="systemd" scripts/install-deps.sh    # more packages, e.g. for later tests
set -euo pipefail

# Build: libev-dev, libssl-dev, pkg-config (SwiftPM reads openssl.pc). Tests and demo: openssl
# (test PKI, OCSP responder, s_client), curl (--cert-status), python3 (demo backend, fault
# responder), make, ca-certificates.
PACKAGES=(libev-dev libssl-dev pkg-config openssl curl ca-certificates python3 make)
read -r -a EXTRA <<<"${STAPLED_EXTRA_PACKAGES:-}"
PACKAGES+=("${EXTRA[@]}")

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: not a Debian-like system; make sure these are installed: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root, or install sudo, or install them yourself." >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
