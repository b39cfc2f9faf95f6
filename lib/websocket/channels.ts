// Pure: the Kubernetes channel framing on WebSocket messages. `channel.k8s.io` (and its v4/v5
// versions) prefixes each binary message with one byte, the channel number;
// `base64.channel.k8s.io` (and v4.base64...) sends text: the channel as the character '0' + n,
// then the payload in standard base64. The same framing runs both ways.

export type ChannelEncoding = 'binary' | 'base64';

/** The framing a negotiated subprotocol uses ('' — no subprotocol — is binary). */
export const encodingOf = (protocol: string): ChannelEncoding => (/(^|\.)base64\.channel\.k8s\.io$/.test(protocol) ? 'base64' : 'binary');

export function encodeChannelMessage(enc: ChannelEncoding, channel: number, data: Buffer): Buffer | string {
  if (enc === 'base64') return String.fromCharCode(48 + channel) + data.toString('base64');
  return Buffer.concat([Buffer.from([channel]), data]);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One received message as (channel, payload); undefined for an empty message or invalid base64
 * (the Kubernetes servers drop both). Text or binary frames alike: the servers read either.
 */
export function decodeChannelMessage(enc: ChannelEncoding, message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  if (enc === 'binary') return { channel: message[0], data: message.subarray(1) };
  const text = message.subarray(1).toString('latin1');
  if (!BASE64.test(text)) return undefined;
  return { channel: (message[0] - 48) & 0xff, data: Buffer.from(text, 'base64') };
}
