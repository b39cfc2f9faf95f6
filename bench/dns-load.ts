// A DNS load generator for bench:proxy, run as its own process so that it never shares an event
// loop with the server it measures: `node dist/bench/dns-load.js <host> <port> <name> <count>
// <concurrency>` sends <count> A queries for <name> over UDP with <concurrency> in flight on one
// socket, matches replies by ID, and prints one JSON line: queries per second, p50/p99 latency in
// ms, and how many timed out or came back with another rcode than NOERROR.
import * as dgram from 'node:dgram';
import { decodeMessage, emptyHeader, encodeMessage, Rcode, RRClass, RRType, type DnsMessage } from '../dns/wire';

export interface LoadResult {
  queries: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  timeouts: number;
  errors: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(3);
}

function query(id: number, name: string): Buffer {
  const msg: DnsMessage = { header: { ...emptyHeader(id), rd: true }, questions: [{ name, type: RRType.A, class: RRClass.IN }], answers: [], authority: [], additional: [] };
  return encodeMessage(msg);
}

/** Sends the queries and resolves with the figures; a query unanswered for 2 s counts as a timeout. */
export function runLoad(host: string, port: number, name: string, count: number, concurrency: number): Promise<LoadResult> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const inFlight = new Map<number, { sentAt: number; timer: NodeJS.Timeout }>();
    const latencies: number[] = [];
    let sent = 0;
    let done = 0;
    let timeouts = 0;
    let errors = 0;
    let nextId = 1;
    const t0 = performance.now();

    const finish = () => {
      socket.close();
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      resolve({ queries: count, qps: Math.round(latencies.length / seconds), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), timeouts, errors });
    };
    const settle = () => {
      done++;
      if (done === count) finish();
      else sendOne();
    };
    const sendOne = () => {
      if (sent >= count) return;
      sent++;
      // IDs are 16 bits; skip ones still in flight
      let id = nextId;
      while (inFlight.has(id)) id = (id % 65535) + 1;
      nextId = (id % 65535) + 1;
      const timer = setTimeout(() => {
        inFlight.delete(id);
        timeouts++;
        settle();
      }, 2000);
      inFlight.set(id, { sentAt: performance.now(), timer });
      socket.send(query(id, name), port, host);
    };

    socket.on('message', (msg) => {
      let reply: DnsMessage;
      try {
        reply = decodeMessage(msg);
      } catch {
        errors++;
        return;
      }
      const pending = inFlight.get(reply.header.id);
      if (!pending) return;
      inFlight.delete(reply.header.id);
      clearTimeout(pending.timer);
      latencies.push(performance.now() - pending.sentAt);
      if (reply.header.rcode !== Rcode.NoError || reply.answers.length === 0) errors++;
      settle();
    });
    socket.bind(0, () => {
      for (let i = 0; i < Math.min(concurrency, count); i++) sendOne();
    });
  });
}

if (require.main === module) {
  const [host, port, name, count, concurrency] = process.argv.slice(2);
  runLoad(host, Number(port), name, Number(count), Number(concurrency))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
