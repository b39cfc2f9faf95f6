#!/bin/sh
# k8ts/web: writes a page naming this pod's host, then serves it with busybox httpd on :8080.
# sh stays PID 1 and traps TERM/INT so that pod deletion stops the container at once.
PORT="${PORT:-8080}"
ROOT=/tmp/www
mkdir -p "$ROOT"
echo "hello from $(hostname)" > "$ROOT/index.html"
httpd -f -p "$PORT" -h "$ROOT" &
child=$!
trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
wait "$child"
