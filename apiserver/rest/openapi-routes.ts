// Serves the OpenAPI documents: the v3 index, per group-version v3 documents (immutable when asked
// by hash, as kubectl caches them), and v2 as protobuf or JSON depending on Accept.
import type { ServerResponse } from 'node:http';
import type { ResourceDef } from '../registry/types';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_RESPONSE, openapiV2Json, openapiV2Protobuf, openapiV3Document, openapiV3Index } from '../openapi';
import type { Route } from './router';

function write(res: ServerResponse, body: Buffer | string, contentType: string, immutable = false): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': immutable ? 'public, immutable' : 'no-cache, private',
  });
  res.end(body);
}

/** Returns false when the path names no document (the caller answers 404). */
export function openapiDispatch(defs: ResourceDef[], r: Extract<Route, { kind: 'openapi' }>, url: URL, accept: string | undefined, res: ServerResponse): boolean {
  if (r.version === 'v2') {
    if ((accept ?? '').includes(OPENAPI_V2_PROTOBUF) || (accept ?? '').includes(OPENAPI_V2_PROTOBUF_RESPONSE)) write(res, openapiV2Protobuf(), OPENAPI_V2_PROTOBUF_RESPONSE);
    else write(res, JSON.stringify(openapiV2Json()), 'application/json');
    return true;
  }
  if (r.gv === undefined) {
    write(res, JSON.stringify(openapiV3Index(defs)), 'application/json');
    return true;
  }
  const doc = openapiV3Document(defs, r.gv);
  if (!doc) return false;
  write(res, JSON.stringify(doc), 'application/json', url.searchParams.has('hash'));
  return true;
}
