// The headers a proxied request and its response carry. Hop-by-hop headers (RFC 9110 §7.6.1:
// Connection and the headers it names, Keep-Alive, Proxy-Connection, TE, Trailer,
// Transfer-Encoding, Upgrade) belong to one connection and are dropped both ways; node frames the
// bodies itself. Host is kept, so backends see the name the client asked for; X-Forwarded-For
// gets the client's address appended, X-Forwarded-Proto/-Host/-Port say how it came in.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const c = headers.connection;
  const list = Array.isArray(c) ? c.join(',') : (c ?? '');
  return new Set(list.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

export interface ClientFacts {
  /** The client's address as the socket sees it (undefined once the socket is gone). */
  remoteAddress?: string;
  proto: 'http' | 'https';
  /** The port the request came in on. */
  localPort?: number;
}

export function upstreamRequestHeaders(headers: IncomingHttpHeaders, client: ClientFacts): OutgoingHttpHeaders {
  const out = withoutHopByHop(headers);
  // The controller answered any `Expect: 100-continue` itself (node's server does) and now streams
  // the body: the backend must not wait for a second go-ahead.
  delete out.expect;
  const prior = headers['x-forwarded-for'];
  const chain = [Array.isArray(prior) ? prior.join(', ') : prior, client.remoteAddress].filter((x): x is string => !!x);
  if (chain.length) out['x-forwarded-for'] = chain.join(', ');
  out['x-forwarded-proto'] = client.proto;
  if (headers.host) out['x-forwarded-host'] = headers.host;
  if (client.localPort) out['x-forwarded-port'] = String(client.localPort);
  return out;
}

export function downstreamResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return withoutHopByHop(headers);
}
