// The DNS wire format: one import for the server and the record builders.
export * from './types';
export * from './errors';
export * from './names';
export * from './addresses';
export * from './reverse-names';
export { decodeMessage, decodeHeader, peekId, HEADER_BYTES, type DecodeOptions } from './reader';
export { encodeMessage, encodeResponse, udpSizeLimit, MIN_UDP_SIZE, MAX_MESSAGE_SIZE, DEFAULT_SERVER_UDP_SIZE, type EncodedResponse } from './writer';
export { frameTcp, TcpMessageSplitter } from './tcp-framing';
export { responseFor, errorResponse, errorResponseForPacket, type ResponseOptions } from './responses';
