import assert from 'node:assert/strict';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forward-headers';

describe('proxied headers', () => {
  it('keeps Host and end-to-end headers, drops hop-by-hop ones and those Connection names', () => {
    const out = upstreamRequestHeaders(
      {
        host: 'shop.example.com',
        'user-agent': 'curl/8',
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'x-secret-hop': '1',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'h2c',
        expect: '100-continue',
        cookie: 'a=b',
      },
      { remoteAddress: '127.0.0.9', proto: 'https', localPort: 8443 },
    );
    assert.deepEqual(out, {
      host: 'shop.example.com',
      'user-agent': 'curl/8',
      cookie: 'a=b',
      'x-forwarded-for': '127.0.0.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'shop.example.com',
      'x-forwarded-port': '8443',
    });
  });

  it('appends the client to an existing X-Forwarded-For chain', () => {
    const out = upstreamRequestHeaders({ 'x-forwarded-for': '192.0.2.1, 192.0.2.2' }, { remoteAddress: '127.0.0.1', proto: 'http' });
    assert.equal(out['x-forwarded-for'], '192.0.2.1, 192.0.2.2, 127.0.0.1');
    assert.equal(out['x-forwarded-host'], undefined);
    assert.equal(out['x-forwarded-proto'], 'http');
  });

  it('drops hop-by-hop headers from responses, keeps the rest (set-cookie lists too)', () => {
    assert.deepEqual(
      downstreamResponseHeaders({ 'content-type': 'text/plain', 'content-length': '5', connection: 'close', 'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'] }),
      { 'content-type': 'text/plain', 'content-length': '5', 'set-cookie': ['a=1', 'b=2'] },
    );
  });
});
