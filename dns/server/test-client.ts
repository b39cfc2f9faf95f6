// A minimal DNS client for tests: one UDP exchange, or several messages over one TCP connection.
// Queries are built and replies decoded with dns/wire, so the tests check real bytes on sockets.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { decodeMessage, emptyHeader, encodeMessage, frameTcp, RRClass, TcpMessageSplitter, type DnsMessage, type Edns } from '../wire';

let nextId = 1;

/** A recursive query for one name, as a stub resolver sends it. */
export function buildQuery(name: string, type: number, edns?: Edns): Buffer {
  const msg: DnsMessage = { header: { ...emptyHeader(nextId++ & 0xffff), rd: true }, questions: [{ name, type, class: RRClass.IN }], answers: [], authority: [], additional: [] };
  if (edns) msg.edns = edns;
  return encodeMessage(msg);
}

/** Send one packet over UDP; the decoded reply, or a rejection after timeoutMs. */
export function udpExchange(port: number, packet: Buffer, timeoutMs = 5000, host = '127.0.0.1'): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no UDP reply from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      try {
        resolve(decodeMessage(msg));
      } catch (err) {
        reject(err);
      }
    });
    s.send(packet, port, host);
  });
}

/**
 * Write `chunks` (already framed or deliberately broken) on one TCP connection, half-close, and
 * collect every framed reply until the server closes. Resolves with the replies and whether the
 * server closed the connection.
 */
export function tcpSession(port: number, chunks: Buffer[], opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<DnsMessage[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const splitter = new TcpMessageSplitter();
    const replies: DnsMessage[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`TCP session on ${port} not closed by the server in ${opts.timeoutMs ?? 5000} ms`));
    }, opts.timeoutMs ?? 5000);
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      if (opts.halfClose ?? true) s.end();
    });
    s.on('data', (d) => {
      for (const m of splitter.push(d)) replies.push(decodeMessage(m));
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
  });
}

export { frameTcp };

/** A reply's answers as text (`A 10.96.0.1`, `SRV 0 100 53 x.`, `CNAME t.`), in reply order. */
export function answerText(r: DnsMessage): string[] {
  return r.answers.map((a) => {
    const d = a.data;
    switch (d.kind) {
      case 'A':
      case 'AAAA':
        return `${d.kind} ${d.address}`;
      case 'SRV':
        return `SRV ${d.priority} ${d.weight} ${d.port} ${d.target}`;
      case 'PTR':
      case 'CNAME':
        return `${d.kind} ${d.target}`;
      default:
        return d.kind;
    }
  });
}
