// One DNS query over UDP from inside a test cluster's network namespace (a Node process cannot
// enter one itself): `node netns-query.js <server> <port> <name> <type>` prints one JSON line, the
// reply's rcode and its answers as text. Built with dns/server/test-client.ts, decoded with dns/wire.
import { answerText, buildQuery, udpExchange } from '../../dns/server/test-client';
import { run } from '../harness/exec';

export interface QueryResult {
  rcode: number;
  answers: string[];
}

/** Runs the query in the namespace and returns the reply. */
export async function queryInNetns(netns: string, server: string, port: number, name: string, type: number): Promise<QueryResult> {
  const r = await run([process.execPath, __filename, server, String(port), name, String(type)], { netns, timeoutMs: 30_000 });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as QueryResult;
}

if (require.main === module) {
  const [server, port, name, type] = process.argv.slice(2);
  udpExchange(Number(port), buildQuery(name, Number(type)), 3000, server)
    .then((r) => console.log(JSON.stringify({ rcode: r.header.rcode, answers: answerText(r) })))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
