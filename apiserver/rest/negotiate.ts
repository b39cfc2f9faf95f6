// Content negotiation: what the client accepts (JSON, YAML, a meta.k8s.io Table, metadata-only
// PartialObjectMetadata objects), chosen as kube-apiserver chooses among the clauses of an Accept
// header, and how a request body is encoded (JSON, YAML, the three patch types, or apply-patch
// which is not served).
import YAML, { LineCounter } from 'yaml';
import { jsonDuplicateFields, parseYamlKeepingDuplicates, yamlDuplicateKeys, type DuplicateField } from './duplicate-fields';
import { ApiError, apiError } from '../../lib/errors';
import type { PatchType } from '../registry/types';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf-decode';
import { ProtobufDecodeError } from './protobuf-wire';

/** One clause of an Accept header, as kube-apiserver's parser (goautoneg) reads it. */
export interface MediaRange {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** A conversion the client asked for with `;as=<Kind>;g=meta.k8s.io;v=<version>`. */
export interface Transform {
  kind: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  version: 'v1' | 'v1beta1';
}

export interface ResponseFormat {
  encoding: 'json' | 'yaml';
  /** `pretty=1` on the chosen Accept clause (the query parameter and User-Agent are read apart). */
  pretty: boolean;
  /** A Table or metadata-only objects instead of the objects themselves (get, list, watch). */
  transform?: Transform;
}

/**
 * Which conversions an endpoint serves. Resource endpoints (get, list, watch) serve Tables in
 * JSON or YAML and PartialObjectMetadata(List) in any served encoding; everything else, error
 * bodies included, serves none (kube-apiserver's DefaultEndpointRestrictions).
 */
export type Restrictions = 'resource' | 'none';

/** The media types served, in kube-apiserver's order (protobuf is not served here). */
const SERVED: { type: string; subType: string; encoding: 'json' | 'yaml'; streams: boolean }[] = [
  { type: 'application', subType: 'json', encoding: 'json', streams: true },
  { type: 'application', subType: 'yaml', encoding: 'yaml', streams: false },
];

export const SERVED_MEDIA_TYPES = 'application/json, application/yaml';

const trimSpaces = (s: string) => s.replace(/^ +| +$/g, '');

/** Go's strconv.ParseFloat for a q-value; what it cannot parse counts as 0, as in goautoneg. */
function qValue(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : 0;
}

/**
 * Parses an Accept header the way kube-apiserver does: clauses split on commas and semicolons
 * without quoting rules, type and subtype kept as written (case-sensitive), `*` alone read as
 * the full wildcard, malformed clauses and parameters dropped, then ordered by q (highest first) and
 * concrete types before wildcards. The order is otherwise the client's (an insertion sort with
 * goautoneg's comparison, which is what Go's sort does on lists this short).
 */
export function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const rawPart of header.split(',')) {
    const part = trimSpaces(rawPart);
    const [media, ...paramParts] = part.split(';');
    const slash = media.split('/');
    let type = trimSpaces(slash[0]);
    let subType: string;
    if (slash.length === 1) {
      if (type !== '*') continue;
      subType = '*';
    } else if (slash.length === 2) {
      subType = trimSpaces(slash[1]);
    } else continue;
    const r: MediaRange = { type, subType, q: 1, params: {} };
    for (const p of paramParts) {
      const kv = p.split('=');
      if (kv.length !== 2) continue;
      const key = trimSpaces(kv[0]);
      if (key === 'q') r.q = qValue(kv[1]);
      else r.params[key] = trimSpaces(kv[1]);
    }
    out.push(r);
  }
  const before = (a: MediaRange, b: MediaRange) => a.q > b.q || (a.type !== '*' && b.type === '*') || (a.subType !== '*' && b.subType === '*');
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && before(out[j], out[j - 1]); j--) [out[j - 1], out[j]] = [out[j], out[j - 1]];
  }
  return out;
}

function transformAllowed(t: { kind?: string; group?: string; version?: string }, restrictions: Restrictions): Transform | false {
  if (restrictions === 'none') return false;
  if (t.group !== 'meta.k8s.io' || (t.version !== 'v1' && t.version !== 'v1beta1')) return false;
  if (t.kind === 'Table' || t.kind === 'PartialObjectMetadata' || t.kind === 'PartialObjectMetadataList') {
    // Tables are JSON or YAML, metadata-only objects any served encoding: both are, here.
    return { kind: t.kind, version: t.version };
  }
  return false;
}

/** What one clause asks of one served type, or false when the clause's parameters rule it out. */
function acceptClause(r: MediaRange, served: (typeof SERVED)[number], restrictions: Restrictions): ResponseFormat | false {
  let convert: { kind?: string; group?: string; version?: string } | undefined;
  let pretty = false;
  for (const [k, v] of Object.entries(r.params)) {
    if (k === 'as') (convert ??= {}).kind = v;
    else if (k === 'g') (convert ??= {}).group = v;
    else if (k === 'v') (convert ??= {}).version = v;
    else if (k === 'stream') {
      if (v && (!served.streams || v !== 'watch')) return false;
    } else if (k === 'sv') {
      if (v && (restrictions === 'none' || v !== 'v1')) return false;
    } else if (k === 'pretty') pretty = v === '1';
  }
  const out: ResponseFormat = { encoding: served.encoding, pretty };
  if (convert) {
    const t = transformAllowed(convert, restrictions);
    if (!t) return false;
    out.transform = t;
  }
  return out;
}

/**
 * The response format for an Accept header, as kube-apiserver chooses it: clauses in parseAccept's
 * order, each tried against the served types in order (exact, then a `type/*` or full wildcard), the first whose
 * parameters the endpoint allows wins. An absent or empty header means JSON; undefined means
 * nothing can be served (406).
 */
export function negotiateOutput(header: string | undefined, restrictions: Restrictions): ResponseFormat | undefined {
  if (!header) return { encoding: 'json', pretty: false };
  for (const r of parseAccept(header)) {
    for (const served of SERVED) {
      const matches = (r.type === served.type && (r.subType === served.subType || r.subType === '*')) || (r.type === '*' && r.subType === '*');
      if (!matches) continue;
      const f = acceptClause(r, served, restrictions);
      if (f) return f;
    }
  }
  return undefined;
}

export function notAcceptable(served = SERVED_MEDIA_TYPES): ApiError {
  return apiError(406, 'NotAcceptable', `only the following media types are accepted: ${served}`);
}

/** The format of a get, list or watch answer; 406 NotAcceptable when none can be served. */
export function negotiate(header: string | undefined): ResponseFormat {
  const f = negotiateOutput(header, 'resource');
  if (!f) throw notAcceptable();
  return f;
}

/** Request body media types read as YAML (kube-apiserver itself takes only application/yaml). */
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

const PATCH_MEDIA_TYPES = 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';

/** kube-apiserver's 415 wording, listing what this verb accepts. */
const unsupportedMediaType = (accepted: string): ApiError =>
  apiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted}`);

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
        throw unsupportedMediaType(PATCH_MEDIA_TYPES);
    }
  }
  if (type === '' || type === 'application/json' || type === '*/*') return { kind: 'object', encoding: 'json' };
  if (YAML_TYPES.has(type)) return { kind: 'object', encoding: 'yaml' };
  // kubectl's generators (create namespace|deployment|configmap|secret, expose) send protobuf, and
  // so does kubectl certificate approve|deny (an update of the approval subresource).
  if (type === PROTOBUF_MEDIA_TYPE && (verb === 'create' || verb === 'update')) return { kind: 'object', encoding: 'protobuf' };
  throw unsupportedMediaType(verb === 'create' || verb === 'update' ? `${SERVED_MEDIA_TYPES}, ${PROTOBUF_MEDIA_TYPE}` : SERVED_MEDIA_TYPES);
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
