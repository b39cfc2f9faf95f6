// The DNS server's sockets: UDP and TCP on one port. Each packet goes through handleQuery (pure);
// `forward` decisions go to the Forwarder and come back as a relayed reply or SERVFAIL. Nothing a
// client sends can crash the process: decode errors are FORMERR in the handler, TCP framing errors
// close that connection, and any other failure while answering is logged and answered SERVFAIL.
// Idle TCP connections are closed after a timeout (RFC 7766 §6.2.3) so clients cannot pin sockets.
// With a response cache (response-cache.ts) a forwarded question is looked up there first.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { errorResponseForPacket, encodeResponse, frameTcp, Rcode, TcpMessageSplitter, type DnsMessage } from '../wire';
import type { ZoneIndex } from '../records/zone-index';
import type { Logger } from '../../lib/log';
import { handleQuery, replyAfterChase, replyFromUpstream, replyServfail, type Decision, type HandlerOptions, type Transport } from './handler';
import type { Forwarder, ForwardResult } from './forwarder';
import type { ResponseCache } from './response-cache';
import type { DnsMetrics } from './metrics';

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port (tests); UDP and TCP then share the one UDP got. */
  port: number;
  /** The current zone; undefined until the first full sync, when every query is SERVFAIL. */
  index: () => ZoneIndex | undefined;
  forwarder: Forwarder;
  /** Forwarded answers (never zone answers); undefined: every forward goes upstream. */
  cache?: ResponseCache;
  metrics: DnsMetrics;
  log: Logger;
  /** Default 10 s. */
  tcpIdleTimeoutMs?: number;
  maxUdpSize?: number;
  /** Forwards in flight at most; default 1024. */
  maxConcurrentForwards?: number;
}

export class DnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly connections = new Set<net.Socket>();
  private boundPort = 0;
  private forwarding = 0;

  constructor(private readonly opts: DnsServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    // With port 0 the TCP port UDP got may be taken: a few tries with fresh ports.
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(this.opts.port);
      const port = (udp.address() as net.AddressInfo).port;
      try {
        this.tcp = await this.listenTcp(port);
        this.udp = udp;
        this.boundPort = port;
        return;
      } catch (err) {
        udp.close();
        if (this.opts.port !== 0 || attempt >= 4 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await Promise.all([
      this.udp && new Promise<void>((r) => this.udp!.close(() => r())),
      this.tcp && new Promise<void>((r) => this.tcp!.close(() => r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  /** One packet → the bytes to send back, or undefined for none. Never throws. */
  async answer(packet: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const start = process.hrtime.bigint();
    const hopts: HandlerOptions = { transport, maxUdpSize: this.opts.maxUdpSize };
    const { metrics } = this.opts;
    try {
      const index = this.opts.index();
      let d: Decision;
      if (!index) {
        const r = errorResponseForPacket(packet, Rcode.ServFail);
        d = r
          ? { action: 'reply', bytes: encodeResponse(r, 512).buffer, truncated: false, labels: { rcode: Rcode.ServFail } }
          : { action: 'drop', reason: packet.length < 4 ? 'too-short' : 'response' };
      } else {
        d = handleQuery(packet, index, hopts);
      }
      if (d.action === 'drop') {
        metrics.dropped.inc({ reason: d.reason });
        return undefined;
      }
      const reply = d.action === 'forward' ? await this.forward(d.query, hopts) : d.action === 'chase' ? await this.chase(d, hopts) : d;
      metrics.answered(transport, reply.labels.qtype, reply.labels.rcode, reply.truncated, start);
      return reply.bytes;
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message, bytes: packet.length }, 'query failed: SERVFAIL');
      try {
        const r = errorResponseForPacket(packet, Rcode.ServFail);
        metrics.answered(transport, undefined, Rcode.ServFail, false, start);
        return r && encodeResponse(r, 512).buffer;
      } catch {
        return undefined;
      }
    }
  }

  private async forward(query: DnsMessage, hopts: HandlerOptions): Promise<Decision & { action: 'reply' }> {
    // Each forward holds a socket until its upstream answers or times out: a flood of
    // out-of-zone names must not exhaust file descriptors, so past the cap it is SERVFAIL at once.
    if (this.forwarding >= (this.opts.maxConcurrentForwards ?? 1024)) {
      this.opts.metrics.forwards.inc({ result: 'OVERLOADED' });
      return replyServfail(query, hopts);
    }
    const cached = this.cached(query);
    if (cached) return replyFromUpstream(query, cached, hopts);
    this.forwarding++;
    let result: ForwardResult;
    try {
      result = await this.opts.forwarder.forward(query);
    } finally {
      this.forwarding--;
    }
    if (result.ok) {
      this.opts.metrics.forwards.inc({ result: 'ok' });
      this.store(query, result.reply);
      return replyFromUpstream(query, result.reply, hopts);
    }
    this.opts.metrics.forwards.inc({ result: result.failures[result.failures.length - 1].code });
    this.opts.log.debug({ question: query.questions[0], failures: result.failures }, 'forward failed: SERVFAIL');
    return replyServfail(query, hopts);
  }

  private async chase(d: Decision & { action: 'chase' }, hopts: HandlerOptions): Promise<Decision & { action: 'reply' }> {
    if (this.forwarding >= (this.opts.maxConcurrentForwards ?? 1024)) return replyAfterChase(d, undefined, hopts);
    const q = d.query.questions[0];
    const target: DnsMessage = { ...d.query, questions: [{ name: d.target, type: q.type, class: q.class }] };
    // The target's upstream answer may come from the cache; the zone's CNAME never does.
    const cached = this.cached(target);
    if (cached) return replyAfterChase(d, cached, hopts);
    this.forwarding++;
    try {
      const result = await this.opts.forwarder.forward(target);
      this.opts.metrics.forwards.inc({ result: result.ok ? 'ok' : result.failures[result.failures.length - 1].code });
      if (result.ok) this.store(target, result.reply);
      return replyAfterChase(d, result.ok ? result.reply : undefined, hopts);
    } finally {
      this.forwarding--;
    }
  }

  /** The cached upstream answer to `query`, counted as a hit or a miss; undefined without a cache. */
  private cached(query: DnsMessage): DnsMessage | undefined {
    const { cache, metrics } = this.opts;
    if (!cache) return undefined;
    const hit = cache.get(query);
    if (hit) metrics.cacheHits.inc();
    else metrics.cacheMisses.inc();
    // get() may have dropped an expired entry.
    metrics.cacheEntries.set({}, cache.size);
    return hit;
  }

  private store(query: DnsMessage, reply: DnsMessage): void {
    const { cache, metrics } = this.opts;
    if (!cache) return;
    cache.put(query, reply);
    metrics.cacheEntries.set({}, cache.size);
  }

  private bindUdp(port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: net.isIPv6(this.opts.host) ? 'udp6' : 'udp4' });
      socket.once('error', reject);
      socket.bind(port, this.opts.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.opts.log.error({ err: err.message }, 'udp socket error'));
        socket.on('message', (msg, rinfo) => {
          void this.answer(msg, 'udp').then((bytes) => {
            // A forward can outlive stop(): sending on the closed socket would throw.
            if (!bytes || this.udp !== socket) return;
            socket.send(bytes, rinfo.port, rinfo.address, (err) => err && this.opts.log.debug({ err: err.message }, 'udp send failed'));
          });
        });
        resolve(socket);
      });
    });
  }

  private listenTcp(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      // Half-open: a client may send its queries and shut its side; the replies still go out.
      const server = net.createServer({ allowHalfOpen: true }, (socket) => this.serveConnection(socket));
      server.once('error', reject);
      server.listen(port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.log.error({ err: err.message }, 'tcp server error'));
        resolve(server);
      });
    });
  }

  private serveConnection(socket: net.Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.setTimeout(this.opts.tcpIdleTimeoutMs ?? 10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const splitter = new TcpMessageSplitter();
    let inflight = 0;
    let ended = false;
    const finishIfDone = () => {
      if (ended && inflight === 0 && !socket.destroyed) socket.end();
    };
    socket.on('end', () => {
      ended = true;
      try {
        splitter.end();
      } catch {
        this.opts.metrics.dropped.inc({ reason: 'incomplete-frame' });
      }
      finishIfDone();
    });
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = splitter.push(chunk);
      } catch {
        // A zero-length frame: the stream cannot be resynchronised.
        this.opts.metrics.dropped.inc({ reason: 'bad-frame' });
        socket.destroy();
        return;
      }
      for (const m of messages) {
        inflight++;
        void this.answer(m, 'tcp').then((bytes) => {
          inflight--;
          if (bytes && !socket.destroyed) socket.write(frameTcp(bytes));
          finishIfDone();
        });
      }
    });
  }
}
