// Raw etcd access to a test cluster, around its apiserver: etcd listens on 127.0.0.1 inside the
// cluster's network namespace, so a child node process is started inside it with nsenter (the
// test process stays where it is) and runs the operations given as JSON on its stdin with the
// etcd3 client, answering with one JSON array on stdout.
import { spawn } from 'node:child_process';
import { Etcd3 } from 'etcd3';

export type RawOp =
  | { op: 'put'; key: string; value: string }
  | { op: 'get'; key: string }
  | { op: 'delete'; key: string }
  | { op: 'keys'; prefix: string };

/** Results in order: put/delete → null, get → the value (or null), keys → the key list. */
export type RawResult = string | string[] | null;

export class RawEtcdError extends Error {
  readonly code = 'RAW_ETCD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RawEtcdError';
  }
}

export function rawEtcd(netns: string, ops: RawOp[], endpoint = 'http://127.0.0.1:2379'): Promise<RawResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, process.execPath, __filename, endpoint], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new RawEtcdError(`raw etcd operations failed (exit ${code}): ${err.trim() || out.trim()}`));
      try {
        resolve(JSON.parse(out) as RawResult[]);
      } catch {
        reject(new RawEtcdError(`unreadable answer from the raw etcd child: ${out.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(ops));
  });
}

async function runChild(endpoint: string): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const ops = JSON.parse(input) as RawOp[];
  const client = new Etcd3({ hosts: endpoint });
  try {
    const results: RawResult[] = [];
    for (const o of ops) {
      if (o.op === 'put') results.push((await client.put(o.key).value(o.value), null));
      else if (o.op === 'get') results.push(await client.get(o.key).string());
      else if (o.op === 'delete') results.push((await client.delete().key(o.key), null));
      else results.push(await client.getAll().prefix(o.prefix).keys());
    }
    process.stdout.write(JSON.stringify(results));
  } finally {
    client.close();
  }
}

if (require.main === module) {
  runChild(process.argv[2]).catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
