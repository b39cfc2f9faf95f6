import { strict as assert } from 'node:assert';
import { DnsEncodeError, DnsFramingError } from './errors';
import { BUSYBOX_A_QUERY, DIG_EDNS_COOKIE_QUERY } from './golden-packets';
import { TcpMessageSplitter, frameTcp } from './tcp-framing';

const stream = Buffer.concat([frameTcp(BUSYBOX_A_QUERY), frameTcp(DIG_EDNS_COOKIE_QUERY), frameTcp(BUSYBOX_A_QUERY)]);
const expected = [BUSYBOX_A_QUERY, DIG_EDNS_COOKIE_QUERY, BUSYBOX_A_QUERY].map((b) => b.toString('hex'));

describe('dns/wire TCP framing', () => {
  it('prefixes the length', () => {
    assert.equal(frameTcp(Buffer.from('abc')).toString('hex'), '0003616263');
    assert.throws(() => frameTcp(Buffer.alloc(65536)), (e: unknown) => e instanceof DnsEncodeError && e.code === 'TOO_LARGE');
  });

  it('splits a stream delivered in one chunk', () => {
    const s = new TcpMessageSplitter();
    assert.deepEqual(s.push(stream).map((b) => b.toString('hex')), expected);
    assert.equal(s.pending, 0);
    s.end();
  });

  it('splits a stream cut at every possible pair of places', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 7) {
        const s = new TcpMessageSplitter();
        const got = [...s.push(stream.subarray(0, a)), ...s.push(stream.subarray(a, b)), ...s.push(stream.subarray(b))];
        assert.deepEqual(got.map((x) => x.toString('hex')), expected, `cuts at ${a} and ${b}`);
      }
    }
  });

  it('copes with one byte at a time', () => {
    const s = new TcpMessageSplitter();
    const got: Buffer[] = [];
    for (const byte of stream) got.push(...s.push(Buffer.from([byte])));
    assert.deepEqual(got.map((x) => x.toString('hex')), expected);
  });

  it('returns copies that later pushes do not change', () => {
    const s = new TcpMessageSplitter();
    const chunk = Buffer.from(frameTcp(Buffer.from('abcd')));
    const [msg] = s.push(chunk);
    chunk.fill(0);
    assert.equal(msg.toString(), 'abcd');
  });

  it('a zero-length frame is an error', () => {
    assert.throws(() => new TcpMessageSplitter().push(Buffer.from([0, 0, 0, 1])), (e: unknown) => e instanceof DnsFramingError && e.code === 'EMPTY_FRAME');
  });

  it('the stream ending mid-message is an error; between messages it is fine', () => {
    const s = new TcpMessageSplitter();
    assert.deepEqual(s.push(stream.subarray(0, 5)), []);
    assert.equal(s.pending, 5);
    assert.throws(() => s.end(), (e: unknown) => e instanceof DnsFramingError && e.code === 'INCOMPLETE_FRAME');
    const t = new TcpMessageSplitter();
    t.push(frameTcp(BUSYBOX_A_QUERY));
    assert.doesNotThrow(() => t.end());
  });
});
