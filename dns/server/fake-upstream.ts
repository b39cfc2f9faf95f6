// A resolver on 127.0.0.1 for tests: UDP and TCP on one port, answering each decoded query with
// what `respond` returns (or staying silent for undefined). Tests never send anything off the
// machine: forwarding is always pointed at one of these.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { decodeMessage, encodeMessage, frameTcp, TcpMessageSplitter, type DnsMessage } from '../wire';

export interface FakeUpstream {
  port: number;
  /** Queries received, in order, with the transport they came by. */
  received: { transport: 'udp' | 'tcp'; query: DnsMessage }[];
  stop(): Promise<void>;
}

export type Respond = (query: DnsMessage, transport: 'udp' | 'tcp') => DnsMessage | Buffer | undefined;

export async function startFakeUpstream(respond: Respond): Promise<FakeUpstream> {
  const received: FakeUpstream['received'] = [];
  const reply = (packet: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    const query = decodeMessage(packet);
    received.push({ transport, query });
    const r = respond(query, transport);
    return r === undefined || Buffer.isBuffer(r) ? r : encodeMessage(r);
  };
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = (udp.address() as net.AddressInfo).port;
    udp.on('message', (msg, rinfo) => {
      const out = reply(msg, 'udp');
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      const splitter = new TcpMessageSplitter();
      s.on('data', (chunk) => {
        for (const m of splitter.push(chunk)) {
          const out = reply(m, 'tcp');
          if (out) s.write(frameTcp(out));
        }
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', resolve);
      });
    } catch (err) {
      udp.close();
      if (attempt < 4) continue;
      throw err;
    }
    return {
      port,
      received,
      stop: async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}

/** A port on 127.0.0.1 where nothing answers UDP: bound, then closed. */
export async function silentPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
