// Forwarding a question outside the cluster zone to upstream resolvers: over UDP from a fresh
// socket (a random source port and a random id, so an off-path spoofer has 32 bits to guess),
// over TCP again when the UDP reply is truncated (RFC 7766 §5). Upstreams are tried in order,
// each with a short timeout; the result is a plain value — the reply, or why there is none —
// so the caller answers SERVFAIL at once when no upstream is configured and after at most
// upstreams × timeout when none answers.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomInt } from 'node:crypto';
import {
  decodeMessage,
  encodeMessage,
  frameTcp,
  namesEqual,
  TcpMessageSplitter,
  DEFAULT_SERVER_UDP_SIZE,
  type DnsMessage,
} from '../wire';
import type { Upstream } from './upstreams';

export type ForwardFailure =
  | 'NO_UPSTREAM'
  /** No reply within the timeout. */
  | 'TIMEOUT'
  /** A reply that does not decode, or a TCP stream that breaks mid-message. */
  | 'BAD_REPLY'
  /** The socket failed: refused, unreachable, reset. */
  | 'NETWORK';

export type ForwardResult =
  | { ok: true; reply: DnsMessage; upstream: Upstream; viaTcp: boolean }
  | { ok: false; failures: { upstream?: Upstream; code: ForwardFailure; detail: string }[] };

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** Per upstream and per transport; default 1000 ms. */
  timeoutMs?: number;
}

class AttemptError extends Error {
  constructor(
    readonly code: ForwardFailure,
    message: string,
  ) {
    super(message);
  }
}

export class Forwarder {
  readonly upstreams: readonly Upstream[];
  private readonly timeoutMs: number;

  constructor(opts: ForwarderOptions) {
    this.upstreams = opts.upstreams;
    this.timeoutMs = opts.timeoutMs ?? 1000;
  }

  async forward(query: DnsMessage): Promise<ForwardResult> {
    if (this.upstreams.length === 0) return { ok: false, failures: [{ code: 'NO_UPSTREAM', detail: 'no upstream resolver configured' }] };
    const failures: { upstream?: Upstream; code: ForwardFailure; detail: string }[] = [];
    for (const upstream of this.upstreams) {
      try {
        return await this.ask(upstream, query);
      } catch (err) {
        const e = err instanceof AttemptError ? err : new AttemptError('NETWORK', (err as Error).message);
        failures.push({ upstream, code: e.code, detail: e.message });
      }
    }
    return { ok: false, failures };
  }

  private async ask(upstream: Upstream, query: DnsMessage): Promise<ForwardResult & { ok: true }> {
    const id = randomInt(0, 0x10000);
    // Our own EDNS: the upstream may send up to what we accept, whatever the client asked; the
    // handler refits the reply to the client's limit. DO is the client's.
    const out: DnsMessage = {
      header: { ...query.header, id, rd: true, ad: false },
      questions: query.questions,
      answers: [],
      authority: [],
      additional: [],
      edns: { udpPayloadSize: DEFAULT_SERVER_UDP_SIZE, version: 0, dnssecOk: query.edns?.dnssecOk ?? false, options: [] },
    };
    const packet = encodeMessage(out);
    const udp = await this.udp(upstream, packet, (m) => matches(m, id, query));
    if (!udp.header.tc) return { ok: true, reply: udp, upstream, viaTcp: false };
    const tcp = await this.tcp(upstream, packet, (m) => matches(m, id, query));
    return { ok: true, reply: tcp, upstream, viaTcp: true };
  }

  private udp(upstream: Upstream, packet: Buffer, accept: (m: DnsMessage) => boolean): Promise<DnsMessage> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(net.isIPv6(upstream.host) ? 'udp6' : 'udp4');
      let lastBad: string | undefined;
      let settled = false;
      // Once: a send error can arrive after the timeout fired, and closing twice would throw.
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.close();
        fn();
      };
      const timer = setTimeout(
        () => done(() => reject(new AttemptError(lastBad ? 'BAD_REPLY' : 'TIMEOUT', lastBad ?? `no UDP reply from ${hostPort(upstream)} in ${this.timeoutMs} ms`))),
        this.timeoutMs,
      );
      socket.on('error', (err) => done(() => reject(new AttemptError('NETWORK', `${hostPort(upstream)}: ${err.message}`))));
      socket.on('message', (msg, rinfo) => {
        // Only the upstream itself answers; anything else on our port is noise or a spoof attempt.
        if (rinfo.port !== upstream.port || !sameHost(rinfo.address, upstream.host)) return;
        let m: DnsMessage;
        try {
          m = decodeMessage(msg);
        } catch (err) {
          lastBad = `${hostPort(upstream)}: ${(err as Error).message}`;
          return;
        }
        if (accept(m)) done(() => resolve(m));
      });
      socket.send(packet, upstream.port, upstream.host, (err) => {
        if (err) done(() => reject(new AttemptError('NETWORK', `${hostPort(upstream)}: ${err.message}`)));
      });
    });
  }

  private tcp(upstream: Upstream, packet: Buffer, accept: (m: DnsMessage) => boolean): Promise<DnsMessage> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: upstream.host, port: upstream.port });
      const splitter = new TcpMessageSplitter();
      let settled = false;
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        fn();
      };
      const timer = setTimeout(() => done(() => reject(new AttemptError('TIMEOUT', `no TCP reply from ${hostPort(upstream)} in ${this.timeoutMs} ms`))), this.timeoutMs);
      socket.on('error', (err) => done(() => reject(new AttemptError('NETWORK', `${hostPort(upstream)} (tcp): ${err.message}`))));
      socket.on('connect', () => socket.write(frameTcp(packet)));
      socket.on('data', (chunk) => {
        try {
          for (const raw of splitter.push(chunk)) {
            const m = decodeMessage(raw);
            if (accept(m)) return done(() => resolve(m));
          }
        } catch (err) {
          done(() => reject(new AttemptError('BAD_REPLY', `${hostPort(upstream)} (tcp): ${(err as Error).message}`)));
        }
      });
      socket.on('end', () => done(() => reject(new AttemptError('BAD_REPLY', `${hostPort(upstream)} (tcp) closed without a reply`))));
    });
  }
}

/** A reply to our query: QR set, our id, and the question we asked (RFC 5452 §4.2). */
function matches(m: DnsMessage, id: number, query: DnsMessage): boolean {
  if (!m.header.qr || m.header.id !== id) return false;
  const q = query.questions[0];
  const r = m.questions[0];
  return m.questions.length === 1 && r.type === q.type && r.class === q.class && namesEqual(r.name, q.name);
}

function sameHost(a: string, b: string): boolean {
  return a === b || a === `::ffff:${b}`;
}

function hostPort(u: Upstream): string {
  return net.isIPv6(u.host) ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}
