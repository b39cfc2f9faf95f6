// Content negotiation: what the client accepts (JSON, YAML, a meta.k8s.io Table) and how its
// request body is encoded (JSON, YAML, the three patch types, or apply-patch which is not served).
import YAML, { LineCounter } from 'yaml';
import { jsonDuplicateFields, parseYamlKeepingDuplicates, yamlDuplicateKeys, type DuplicateField } from './duplicate-fields';
import { apiError } from '../../lib/errors';
import type { PatchType } from '../registry/types';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf-decode';
import { ProtobufDecodeError } from './protobuf-wire';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export interface ResponseFormat {
  encoding: 'json' | 'yaml';
  /** A meta.k8s.io Table was asked for (get, list, watch). */
  table: boolean;
  /** Aggregated discovery (apidiscovery.k8s.io) was asked for and is acceptable. */
  aggregatedDiscovery: boolean;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || !header.trim()) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...ps] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: type.toLowerCase(), params };
  });
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/**
 * Picks the first alternative we can serve, in the client's order (kubectl lists its preferred
 * alternatives first, so q-values are not needed). Table is v1 only; protobuf is never served.
 */
export function negotiate(header: string | undefined): ResponseFormat {
  for (const r of parseAccept(header)) {
    const as = r.params.as;
    if (as === 'Table') {
      if (r.params.g === 'meta.k8s.io' && r.params.v === 'v1' && JSON_TYPES.has(r.type)) {
        return { encoding: 'json', table: true, aggregatedDiscovery: false };
      }
      continue;
    }
    if (as === 'APIGroupDiscoveryList') continue; // legacy discovery only: kubectl falls back
    if (as !== undefined) continue;
    if (JSON_TYPES.has(r.type)) return { encoding: 'json', table: false, aggregatedDiscovery: false };
    if (YAML_TYPES.has(r.type)) return { encoding: 'yaml', table: false, aggregatedDiscovery: false };
  }
  throw apiError(406, 'NotAcceptable', `none of the media types in "${header ?? ''}" can be served; use application/json or application/yaml`);
}

export type BodyEncoding = 'json' | 'yaml' | 'protobuf';

export type BodyKind = { kind: 'object'; encoding: BodyEncoding } | { kind: 'patch'; patchType: PatchType };

/** Classifies a request body by Content-Type for the given verb. */
export function bodyKind(contentType: string | undefined, verb: 'create' | 'update' | 'patch' | 'delete'): BodyKind {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (verb === 'patch') {
    switch (type) {
      case 'application/merge-patch+json': return { kind: 'patch', patchType: 'merge' };
      case 'application/json-patch+json': return { kind: 'patch', patchType: 'json' };
      case 'application/strategic-merge-patch+json': return { kind: 'patch', patchType: 'strategic' };
      case 'application/apply-patch+yaml':
        throw apiError(415, 'UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported yet; use client-side apply');
      default:
        throw apiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${type}")`);
    }
  }
  if (type === '' || type === 'application/json' || type === '*/*') return { kind: 'object', encoding: 'json' };
  if (YAML_TYPES.has(type)) return { kind: 'object', encoding: 'yaml' };
  // kubectl's generators (create namespace|deployment|configmap|secret, expose) send protobuf.
  if (type === PROTOBUF_MEDIA_TYPE && verb === 'create') return { kind: 'object', encoding: 'protobuf' };
  throw apiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got "${type}")`);
}

/**
 * Decodes a request body; malformed input is a 400 BadRequest naming the problem. Repeated keys
 * keep their last value; with `duplicates` an array, they are also reported into it (JSON and
 * YAML), with 'ignore' YAML accepts them silently; without it a YAML repeat is a 400.
 */
export function decodeBody(raw: Buffer, encoding: BodyEncoding, duplicates?: DuplicateField[] | 'ignore'): unknown {
  if (encoding === 'protobuf') {
    try {
      return decodeProtobufObject(raw);
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw apiError(400, 'BadRequest', `the request body is not a valid Kubernetes protobuf object: ${e.message}`);
      throw e;
    }
  }
  const text = raw.toString('utf8');
  if (encoding === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw apiError(400, 'BadRequest', `the request body is not valid JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(duplicates)) duplicates.push(...jsonDuplicateFields(text, value));
    return value;
  }
  let docs: YAML.Document.Parsed[];
  const lines = new LineCounter();
  try {
    docs = duplicates === undefined ? (YAML.parseAllDocuments(text) as YAML.Document.Parsed[]) : parseYamlKeepingDuplicates(text, lines);
  } catch (e) {
    throw apiError(400, 'BadRequest', `the request body is not valid YAML: ${(e as Error).message}`);
  }
  if (!Array.isArray(docs) || docs.length !== 1) throw apiError(400, 'BadRequest', 'the request body must hold exactly one YAML document');
  const errs = docs[0].errors;
  if (errs.length > 0) throw apiError(400, 'BadRequest', `the request body is not valid YAML: ${errs[0].message}`);
  if (Array.isArray(duplicates)) duplicates.push(...yamlDuplicateKeys(docs[0], lines));
  return docs[0].toJS();
}

export function encodeBody(value: unknown, encoding: 'json' | 'yaml'): { body: string; contentType: string } {
  if (encoding === 'yaml') return { body: YAML.stringify(value), contentType: 'application/yaml' };
  return { body: JSON.stringify(value), contentType: 'application/json' };
}
