// Pure: which requests go to a kubelet, and the kubelet path they become. pods/log is plain
// HTTP; exec, attach and portforward are upgraded streams; nodes/<n>/proxy/<path> is anything.

export type NodeProxyTarget =
  | { kind: 'pod'; sub: 'log' | 'exec' | 'attach' | 'portforward'; namespace: string; name: string }
  | { kind: 'node'; name: string; path: string };

export function nodeProxyTarget(pathname: string): NodeProxyTarget | undefined {
  let segs: string[];
  try {
    segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segs[0] !== 'api' || segs[1] !== 'v1') return undefined;
  if (segs[2] === 'namespaces' && segs[4] === 'pods' && segs.length === 7) {
    const sub = segs[6];
    if (sub === 'log' || sub === 'exec' || sub === 'attach' || sub === 'portforward') return { kind: 'pod', sub, namespace: segs[3], name: segs[5] };
  }
  if (segs[2] === 'nodes' && segs.length >= 5 && segs[4] === 'proxy') {
    const rest = pathname.split('/').filter(Boolean).slice(5).join('/');
    return { kind: 'node', name: segs[3], path: '/' + rest + (pathname.endsWith('/') && rest ? '/' : '') };
  }
  return undefined;
}

/** The container a pod subresource addresses: the named one (an app or init container), else the only app container. */
export function pickContainer(containers: string[], asked: string | null, podName: string, initContainers: string[] = []): { container?: string; error?: string } {
  if (asked) return containers.includes(asked) || initContainers.includes(asked) ? { container: asked } : { error: `container ${asked} is not valid for pod ${podName}` };
  if (containers.length === 1) return { container: containers[0] };
  return { error: `a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]` };
}

/**
 * Pure: pods/portforward's `ports` as kube-apiserver converts them (PodPortForwardOptions): each
 * value may list several, comma-separated; each must be an unsigned 16-bit number. Returns the
 * ports, or the conversion error's message (a 400 for the client).
 */
export function convertForwardPorts(values: readonly string[]): number[] | string {
  const out: number[] = [];
  for (const value of values) {
    for (const p of value.split(',')) {
      if (!/^\d+$/.test(p)) return `cannot convert to []int32: strconv.ParseUint: parsing ${JSON.stringify(p)}: invalid syntax`;
      if (Number(p) > 65535) return `cannot convert to []int32: strconv.ParseUint: parsing ${JSON.stringify(p)}: value out of range`;
      out.push(Number(p));
    }
  }
  return out;
}

const LOG_PARAMS = ['follow', 'previous', 'tailLines', 'timestamps', 'sinceSeconds', 'limitBytes'];
const EXEC_PARAMS = ['command', 'stdin', 'stdout', 'stderr', 'tty'];

/**
 * The kubelet path + query for a pod subresource. Port-forward ports go on as upstream's apiserver
 * sends them, one `ports` value each (kubectl's SPDY forms name ports per stream and send none).
 */
export function kubeletPath(t: Extract<NodeProxyTarget, { kind: 'pod' }>, container: string, q: URLSearchParams): string {
  const out = new URLSearchParams();
  if (t.sub === 'portforward') {
    const ports = convertForwardPorts(q.getAll('ports'));
    if (typeof ports !== 'string') for (const p of ports) out.append('ports', String(p));
  } else {
    const keep = t.sub === 'log' ? LOG_PARAMS : EXEC_PARAMS;
    for (const [k, v] of q) if (keep.includes(k)) out.append(k, v);
  }
  const qs = out.toString() ? `?${out.toString()}` : '';
  const e = encodeURIComponent;
  switch (t.sub) {
    case 'log':
      return `/containerLogs/${e(t.namespace)}/${e(t.name)}/${e(container)}${qs}`;
    case 'portforward':
      return `/portForward/${e(t.namespace)}/${e(t.name)}${qs}`;
    default:
      return `/${t.sub}/${e(t.namespace)}/${e(t.name)}/${e(container)}${qs}`;
  }
}
