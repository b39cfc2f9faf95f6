import assert from 'node:assert/strict';
import { decodeChannelMessage, encodeChannelMessage, encodingOf } from './channels';

describe('channel.k8s.io framing', () => {
  it('knows the framing of each subprotocol', () => {
    const cases: [string, string][] = [
      ['', 'binary'],
      ['channel.k8s.io', 'binary'],
      ['v4.channel.k8s.io', 'binary'],
      ['v5.channel.k8s.io', 'binary'],
      ['base64.channel.k8s.io', 'base64'],
      ['v4.base64.channel.k8s.io', 'base64'],
    ];
    for (const [protocol, enc] of cases) assert.equal(encodingOf(protocol), enc, protocol);
  });

  it('encodes a channel byte before binary payloads, a digit and base64 before text ones', () => {
    assert.deepEqual(encodeChannelMessage('binary', 3, Buffer.from('hi')), Buffer.from([3, 0x68, 0x69]));
    assert.equal(encodeChannelMessage('base64', 1, Buffer.from('foo\n')), '1Zm9vCg==');
    assert.equal(encodeChannelMessage('base64', 0, Buffer.alloc(0)), '0');
  });

  it('decodes both ways round, and drops what the servers drop', () => {
    const payload = Buffer.from([0, 1, 2, 255]);
    for (const enc of ['binary', 'base64'] as const) {
      for (const ch of [0, 1, 4, 9]) {
        const m = encodeChannelMessage(enc, ch, payload);
        assert.deepEqual(decodeChannelMessage(enc, Buffer.from(m)), { channel: ch, data: payload }, `${enc} ${ch}`);
      }
    }
    assert.equal(decodeChannelMessage('binary', Buffer.alloc(0)), undefined);
    assert.equal(decodeChannelMessage('base64', Buffer.from('0Zm9v!')), undefined, 'invalid base64');
    assert.equal(decodeChannelMessage('base64', Buffer.from('0Zm9')), undefined, 'truncated base64');
    assert.deepEqual(decodeChannelMessage('base64', Buffer.from('2')), { channel: 2, data: Buffer.alloc(0) });
  });
});
