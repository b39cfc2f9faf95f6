// OpenAPI v2 for clients that still ask for it. client-go fetches /openapi/v2 as protobuf
// (application/com.github.proto-openapi.spec.v2@v1.0+protobuf, gnostic's openapi_v2.Document),
// so we answer that media type with a minimal Document: swagger "2.0" and info. With no
// definitions, kubectl finds no v2 schema for a kind and falls back to its compiled-in types.
// JSON is served to everyone else.

/** Protobuf length-delimited field (wire type 2). */
function lengthDelimited(field: number, payload: Buffer): Buffer {
  const tag = Buffer.from([(field << 3) | 2]);
  const len: number[] = [];
  let n = payload.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    len.push(b);
  } while (n);
  return Buffer.concat([tag, Buffer.from(len), payload]);
}

const str = (field: number, s: string) => lengthDelimited(field, Buffer.from(s, 'utf8'));

/** openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2 } }. */
export function openapiV2Protobuf(): Buffer {
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, 'v1.32.0-k8ts')]);
  return Buffer.concat([str(1, '2.0'), lengthDelimited(2, info)]);
}

export function openapiV2Json(): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0-k8ts' }, paths: {}, definitions: {} };
}

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/**
 * The Content-Type the answer carries: Go's mime parser rejects the "@" of the Accept form, so the
 * Kubernetes apiserver answers with the dotted spelling, and kubectl expects exactly that.
 */
export const OPENAPI_V2_PROTOBUF_RESPONSE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
