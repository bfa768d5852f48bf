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
# responder), make, ca-certificates. Operations tests: systemd (systemd-analyze verify/security,
# systemd-sysusers, systemd-tmpfiles), python3-seccomp (the unit's seccomp filter, emulated).
# Upstream tests: nginx (a real PROXY protocol consumer, run as a child process).
PACKAGES=(libev-dev libssl-dev pkg-config openssl curl ca-certificates python3 python3-cryptography
    python3-prometheus-client make systemd python3-seccomp nginx)
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

# Python modules the tests use, for the python3 first on PATH (which may not be Debian's):
# cryptography (the fault-injecting OCSP responder), prometheus_client (parsing /metrics).
python_modules() {
    command -v python3 >/dev/null 2>&1 || return 0
    local module pip_name
    for module in cryptography:cryptography prometheus_client:prometheus_client; do
        pip_name=${module#*:}
        module=${module%%:*}
        python3 -c "import $module" >/dev/null 2>&1 && continue
        echo "install-deps: installing the python module $pip_name"
        python3 -m pip install --quiet --disable-pip-version-check "$pip_name" \
            || echo "install-deps: could not install $pip_name with pip; the tests that need it will say so" >&2
    done
}

if [[ ${#missing[@]} -eq 0 ]]; then
    python_modules
    exit 0
fi

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
python_modules
