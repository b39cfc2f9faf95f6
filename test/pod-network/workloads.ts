// What the pod network tests run: one "who" pod pinned to each node, answering on :8080 with its
// own name and the address the request came from (busybox httpd's CGI sets REMOTE_ADDR), and one
// NodePort Service per pod, so that a check can aim at a backend on a chosen node.

/** The pod's program: a CGI script for httpd, then httpd, stopping at once on TERM. */
const WHO_SCRIPT = [
  'set -e',
  'mkdir -p /tmp/www/cgi-bin',
  'f=/tmp/www/cgi-bin/who',
  "echo '#!/bin/sh' > $f",
  "echo 'echo Content-Type: text/plain' >> $f",
  "echo 'echo' >> $f",
  `echo 'echo "$(hostname) $REMOTE_ADDR"' >> $f`,
  'chmod +x $f',
  'httpd -f -p 8080 -h /tmp/www &',
  "trap 'kill $! 2>/dev/null; exit 0' TERM INT",
  'wait',
].join('\n');

export const whoName = (node: string) => `who-${node}`;

/** A List of the pod on node and its Service, for `kubectl apply -f -`. */
export function whoManifest(node: string): string {
  const name = whoName(node);
  const labels = { app: 'who', node };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: {
          nodeName: node,
          containers: [{ name: 'who', image: 'k8ts/web:1.0', command: ['sh', '-c', WHO_SCRIPT], ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { type: 'NodePort', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    ],
  });
}

export interface WhoAnswer {
  /** The pod that answered. */
  host: string;
  /** Where the request came from, as the pod saw it. */
  from: string;
}

/** Pure: the who pod's answer in an HTTP response (headers and all), or undefined. busybox
 *  httpd listens on IPv6 and writes REMOTE_ADDR as "[::ffff:10.244.0.2]". */
export function parseWho(response: string): WhoAnswer | undefined {
  const m = /(\S+) \[?(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})\]?\s*$/.exec(response);
  return m ? { host: m[1], from: m[2] } : undefined;
}

/** A shell line that sends an HTTP/1.0 GET with busybox nc (busybox wget crashes here) and prints the response. */
export function ncGet(ip: string, port: number, path: string, timeoutSeconds = 5): string {
  return `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w ${timeoutSeconds} ${ip} ${port}`;
}
