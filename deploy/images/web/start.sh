#!/bin/sh
# k8ts/web: writes a page naming this pod's host (and a CGI naming the client), then serves it with busybox httpd on :8080.
# sh stays PID 1 and traps TERM/INT so that pod deletion stops the container at once.
PORT="${PORT:-8080}"
ROOT=/tmp/www
mkdir -p "$ROOT"
echo "hello from $(hostname)" > "$ROOT/index.html"
# /cgi-bin/client answers with the address the request came from, so Service tests can tell
# whether the client's source IP was preserved (externalTrafficPolicy: Local) or masqueraded.
mkdir -p "$ROOT/cgi-bin"
# (CRLF after the header: strict HTTP clients such as Node's refuse bare LF there)
cat > "$ROOT/cgi-bin/client" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$REMOTE_ADDR"
CGI
chmod +x "$ROOT/cgi-bin/client"
httpd -f -p "$PORT" -h "$ROOT" &
child=$!
trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
wait "$child"
