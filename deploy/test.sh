#!/bin/sh
# deploy/test.sh builds the webhook runner's image with podman and checks
# it: /health, a 401 without credentials, a real authenticated run against
# the embedded development control plane, and a clean exit on SIGTERM.
#
# It needs root (it installs podman and runc with apt-get if they are
# missing) and pulls nothing: the image is FROM scratch. Its podman
# configuration is its own (CONTAINERS_CONF), not the system's. The
# container uses the host's network and listens on 127.0.0.1 only.
# Run from anywhere: sh deploy/test.sh
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-18080}
image=localhost/passthrough/webhook-runner:test
name=passthrough-webhook-test-$$
build=$(mktemp -d)
logs=$build/container.log
base=http://127.0.0.1:$port

step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; [ -f "$logs" ] && { echo '-- container output:'; cat "$logs"; }; exit 1; }
cleanup() {
	podman rm -f "$name" >/dev/null 2>&1 || true
	rm -rf "$build"
}
trap cleanup EXIT

step "podman and runc"
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null
fi
# podman reads this file instead of the system's: cgroupfs and no default
# ulimits, for machines without systemd or with restricted rlimits. The
# runtime is runc (--runtime runc below).
cat >"$build/containers.conf" <<'CONF'
[engine]
cgroup_manager = "cgroupfs"

[containers]
default_ulimits = []
CONF
export CONTAINERS_CONF="$build/containers.conf"
podman --version

step "static binary, built on the host"
(cd "$root/cmd/webhook-runner" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$build/webhook-runner" .)
cp /etc/ssl/certs/ca-certificates.crt "$build/"
ls -l "$build/webhook-runner" | awk '{print $5, "bytes"}'

step "image"
podman build --runtime runc -q -f "$root/deploy/Containerfile" -t "$image" "$build"
podman image inspect "$image" --format 'user={{.Config.User}} entrypoint={{.Config.Entrypoint}} size={{.Size}}'

step "run (embedded development control plane, host network, 127.0.0.1:$port, read-only root)"
podman run --runtime runc -d --name "$name" --network host --read-only --cap-drop ALL \
	--security-opt no-new-privileges "$image" -listen "127.0.0.1:$port" >/dev/null

# The keys are printed once, on stdout, when everything is bound.
i=0
until podman logs "$name" 2>/dev/null | grep -q '^export WEBHOOK='; do
	i=$((i + 1))
	[ $i -le 100 ] || { podman logs "$name" >"$logs" 2>&1; fail "no keys printed within 10s"; }
	[ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] || { podman logs "$name" >"$logs" 2>&1; fail "container exited"; }
	sleep 0.1
done
alice=$(podman logs "$name" 2>/dev/null | sed -n 's/^export ALICE_KEY=//p')
[ -n "$alice" ] || fail "no ALICE_KEY"
echo "user in the container: $(podman inspect -f '{{.Config.User}}' "$name")"

step "GET /health"
health=$(curl -sS -w ' %{http_code}' "$base/health")
echo "$health"
[ "$health" = '{"status":"ok"} 200' ] || fail "/health: $health"

step "GET /me without credentials"
noauth=$(curl -sS -w ' %{http_code}' "$base/me")
echo "$noauth"
case $noauth in *' 401') ;; *) fail "/me without credentials: $noauth" ;; esac

step "POST /run/add as alice"
run=$(curl -sS -w ' %{http_code}' -H "Authorization: Bearer $alice" -H 'Content-Type: application/json' -d '{"a": 2, "b": 40}' "$base/run/add")
echo "$run"
case $run in *'"triggered_by":"alice"'*' 200') ;; *) fail "run: $run" ;; esac
url=$(printf '%s' "$run" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')

step "GET $url until it finishes"
i=0
while :; do
	got=$(curl -sS -H "X-API-Key: $alice" "$base$url")
	case $got in *'"phase":"SUCCEEDED"'*) break ;; *'"phase":"FAILED"'*) fail "run failed: $got" ;; esac
	i=$((i + 1))
	[ $i -le 100 ] || fail "run not finished within 10s: $got"
	sleep 0.1
done
echo "$got"
case $got in *'"outputs":{"sum":42}'*) ;; *) fail "want sum 42: $got" ;; esac

step "SIGTERM"
podman kill --signal TERM "$name" >/dev/null
code=$(podman wait "$name")
podman logs "$name" >"$logs" 2>&1
echo "request log lines:"
grep '"msg":"request' "$logs"
grep -q 'shutting down' "$logs" || fail "no graceful shutdown in the logs"
[ "$(grep -c "$alice" "$logs")" = 1 ] || fail "the key appears beyond its one banner line"
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "exit code $code"
echo PASS
