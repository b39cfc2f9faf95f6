// The boolean options of pods/log, pods/exec and pods/attach as kube-apiserver hands them to the
// kubelet. kube-apiserver decodes PodLogOptions / PodExecOptions / PodAttachOptions from the query
// (booleans as lib/api/query-bool.ts reads them: `stdout=True` from the Python client is true) and
// builds the kubelet's URL anew with one spelling per option: the log flags as `true`, the stream
// flags as `1`, false ones left out. Doing the same here means the kubelet only ever sees those
// spellings, whatever the client wrote. Pure; other parameters pass unchanged.
import { parseQueryBool } from '../../lib/api/query-bool';

const LOG_FLAGS = ['follow', 'previous', 'timestamps', 'insecureSkipTLSVerifyBackend'];
const STREAM_FLAGS = ['stdin', 'stdout', 'stderr', 'tty'];

export type StreamSubresource = 'log' | 'exec' | 'attach' | 'portforward';

/** The query with each boolean option of `sub` in kube-apiserver's spelling for the kubelet. */
export function kubeletStreamQuery(sub: StreamSubresource, q: URLSearchParams): URLSearchParams {
  const flags = sub === 'log' ? LOG_FLAGS : sub === 'exec' || sub === 'attach' ? STREAM_FLAGS : [];
  const trueAs = sub === 'log' ? 'true' : '1';
  const out = new URLSearchParams();
  const done = new Set<string>();
  for (const [k, v] of q) {
    if (!flags.includes(k)) {
      out.append(k, v);
      continue;
    }
    if (done.has(k)) continue;
    done.add(k);
    if (parseQueryBool(q.getAll(k))) out.append(k, trueAs);
  }
  return out;
}
