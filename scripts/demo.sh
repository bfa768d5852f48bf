#!/usr/bin/env bash
# `make demo`: stapled in front of a sample HTTP backend, stapling OCSP responses from a local
# responder, all on loopback:
#
#   demo/pki/             throwaway root, intermediate, localhost leaf   (scripts/make-demo-pki.sh)
#   openssl ocsp          the OCSP responder named in the leaf, on a free port >= 20000
#   python3 http.server   the backend, on a free port >= 20000, serving demo/www
#   stapled               https://127.0.0.1:${DEMO_PORT:-8443}, config demo/stapled.conf
#
# Runs until Ctrl-C, then stops exactly the processes it started. Logs: demo/*.log; stapled logs
# to this terminal.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
demo=$root/demo
listen_port=${DEMO_PORT:-8443}
# STAPLED_BIN: run this binary instead of building the release one (e.g. a debug build).
stapled=${STAPLED_BIN:-$root/.build/release/stapled}

pids=()
cleanup() {
    trap - INT TERM EXIT
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping"; exit 130' INT
trap 'exit 143' TERM

say() { echo "demo: $*"; }
die() {
    echo "demo: $*" >&2
    exit 1
}

# A TCP port >= 20000 that is free on every address (openssl ocsp binds [::]).
free_port() {
    python3 - <<'PY'
import random, socket
for _ in range(500):
    port = random.randint(20000, 60999)
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        address = ("::", port)
    except OSError:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        address = ("0.0.0.0", port)
    try:
        s.bind(address)
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port found")
PY
}

# Whether a server could listen on 127.0.0.1:PORT now (SO_REUSEADDR, as servers do: connections
# in TIME_WAIT from an earlier run do not count).
port_is_free() {
    python3 - "$1" 2>/dev/null <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
PY
}

# wait_for_line FILE TEXT PID SECONDS: until FILE contains TEXT; fails if PID exits first.
wait_for_line() {
    local file=$1 text=$2 pid=$3 tries=$(($4 * 20))
    for _ in $(seq "$tries"); do
        grep -q -- "$text" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

if [[ -z "${STAPLED_BIN:-}" ]]; then
    say "building stapled (release)"
    swift build -c release
fi
[[ -x "$stapled" ]] || die "no executable at $stapled"
port_is_free "$listen_port" || die "port $listen_port is in use; run with DEMO_PORT=<port> make demo"

mkdir -p "$demo"
rm -rf "$demo/ocsp-cache"
mkdir -p "$demo/ocsp-cache" "$demo/www"

# The leaf's AIA URL must name the responder's port before the responder runs: reserve a free
# port, issue the PKI for it, start the responder there; on a lost race, try another port.
ocsp_pid=
for attempt in 1 2 3; do
    ocsp_port=$(free_port)
    scripts/make-demo-pki.sh "$demo/pki" "http://127.0.0.1:$ocsp_port"
    openssl ocsp -index "$demo/pki/index.txt" -port "$ocsp_port" -CA "$demo/pki/intermediate.pem" \
        -rsigner "$demo/pki/ocsp-responder.pem" -rkey "$demo/pki/ocsp-responder.key" -nmin 10 \
        >"$demo/ocsp.out" 2>"$demo/ocsp.log" &
    ocsp_pid=$!
    pids+=("$ocsp_pid")
    # Its first stdout line, "ACCEPT [::]:PORT PID=...", says it listens. Never probe it with a
    # bare TCP connect: that can wedge this single-threaded responder.
    if wait_for_line "$demo/ocsp.out" "ACCEPT" "$ocsp_pid" 10; then break; fi
    grep -q "Address already in use" "$demo/ocsp.log" && [[ $attempt -lt 3 ]] ||
        die "the OCSP responder did not start: $(cat "$demo/ocsp.log")"
    say "port $ocsp_port was taken; trying another"
done
cp "$demo/pki/ca.pem" "$demo/ca.pem"
say "OCSP responder on http://127.0.0.1:$ocsp_port (log: demo/ocsp.log)"

backend_port=$(free_port)
cat >"$demo/www/index.html" <<HTML
<!doctype html>
<title>stapled demo</title>
<p>Hello from the demo backend (python3 http.server on 127.0.0.1:$backend_port), relayed by stapled.</p>
HTML
python3 -u -m http.server --bind 127.0.0.1 --directory "$demo/www" "$backend_port" >"$demo/backend.log" 2>&1 &
backend_pid=$!
pids+=("$backend_pid")
wait_for_line "$demo/backend.log" "Serving HTTP" "$backend_pid" 10 ||
    die "the backend did not start: $(cat "$demo/backend.log")"
say "backend on http://127.0.0.1:$backend_port (log: demo/backend.log)"

sed -e "s|@LISTEN_PORT@|$listen_port|g" -e "s|@BACKEND_PORT@|$backend_port|g" \
    -e "s|@CHAIN@|$demo/pki/chain.pem|g" -e "s|@KEY@|$demo/pki/localhost.key|g" \
    -e "s|@CACHE_DIR@|$demo/ocsp-cache|g" config/demo.conf >"$demo/stapled.conf"

say "starting stapled -c demo/stapled.conf"
"$stapled" -c "$demo/stapled.conf" &
stapled_pid=$!
pids+=("$stapled_pid")
for _ in $(seq 300); do
    kill -0 "$stapled_pid" 2>/dev/null || break
    (exec 3<>"/dev/tcp/127.0.0.1/$listen_port") 2>/dev/null && break
    sleep 0.05
done
if ! kill -0 "$stapled_pid" 2>/dev/null; then
    wait "$stapled_pid" && status=0 || status=$?
    die "stapled exited with status $status"
fi

cat <<TRY

  stapled is serving https://127.0.0.1:$listen_port/ (Ctrl-C stops everything). Try:

    curl --cacert demo/ca.pem --cert-status https://localhost:$listen_port/
    openssl s_client -connect 127.0.0.1:$listen_port -servername localhost -status -CAfile demo/ca.pem < /dev/null

  curl --cert-status verifies the stapled OCSP response; s_client prints it ("OCSP Response Status").

TRY

wait "$stapled_pid" && status=0 || status=$?
say "stapled exited with status $status"
exit "$status"
