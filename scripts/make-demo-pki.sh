#!/usr/bin/env bash
# Builds a throwaway PKI for the demo (and for trying stapled by hand):
#
#   scripts/make-demo-pki.sh DIR OCSP_URL
#
# DIR/ca.pem               root CA certificate: the trust anchor to give clients
# DIR/intermediate.pem     intermediate CA (signed by the root), DIR/intermediate.key
# DIR/localhost.pem        ECDSA P-256 leaf for localhost and 127.0.0.1, OCSP URL = OCSP_URL
# DIR/localhost.key        its key
# DIR/chain.pem            leaf then intermediate: what stapled's `certificate` directive takes
# DIR/index.txt            the intermediate's `openssl ca` database (for `openssl ocsp -index`)
# DIR/ocsp-responder.pem   delegated OCSP signer (issued by the intermediate, EKU OCSPSigning),
# DIR/ocsp-responder.key   for `openssl ocsp -rsigner ... -rkey ...`
#
# DIR must be empty, missing, or a PKI this script made before (it is then replaced).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 DIR OCSP_URL" >&2
    exit 2
fi
dir=$1
ocsp_url=$2
marker=.stapled-demo-pki

if [[ -d "$dir" && -n "$(ls -A "$dir")" ]]; then
    if [[ ! -f "$dir/$marker" ]]; then
        echo "make-demo-pki: $dir is not empty and was not made by this script; not touching it" >&2
        exit 1
    fi
    rm -rf -- "$dir"
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
touch "$dir/$marker"
cd "$dir"

quiet() {
    local log
    log=$(mktemp)
    if ! "$@" >"$log" 2>&1; then
        echo "make-demo-pki: failed: $*" >&2
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
}
ec_key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# Root and intermediate.
ec_key root.key
quiet openssl req -x509 -new -key root.key -subj "/CN=stapled Demo Root" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
ec_key intermediate.key
quiet openssl req -new -key intermediate.key -subj "/CN=stapled Demo Intermediate" -out intermediate.csr
cat >intermediate.ext <<EXT
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EXT
quiet openssl x509 -req -in intermediate.csr -CA ca.pem -CAkey root.key -set_serial 0x1001 -days 3650 \
    -sha256 -extfile intermediate.ext -out intermediate.pem

# The intermediate's database, so `openssl ocsp -index index.txt` knows what it issued.
: >index.txt
echo "unique_subject = no" >index.txt.attr
mkdir -p issued
cat >ca.cnf <<CNF
[ ca ]
default_ca = intermediate
[ intermediate ]
database = $dir/index.txt
new_certs_dir = $dir/issued
certificate = $dir/intermediate.pem
private_key = $dir/intermediate.key
default_md = sha256
policy = policy_any
unique_subject = no
rand_serial = yes
[ policy_any ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost,IP:127.0.0.1
authorityInfoAccess = OCSP;URI:$ocsp_url
[ responder ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

issue() { # NAME SUBJECT EXTENSIONS
    ec_key "$1.key"
    quiet openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    quiet openssl ca -batch -config ca.cnf -extfile ca.cnf -extensions "$3" -days 90 -notext \
        -in "$1.csr" -out "$1.pem"
}
issue localhost "/CN=localhost" leaf
issue ocsp-responder "/CN=stapled Demo OCSP Responder" responder
cat localhost.pem intermediate.pem >chain.pem
chmod 600 ./*.key
rm -f ./*.csr

echo "make-demo-pki: PKI in $dir (leaf serial $(openssl x509 -in localhost.pem -noout -serial | cut -d= -f2), OCSP $ocsp_url)"
