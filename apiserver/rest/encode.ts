// How a REST answer is written, byte for byte as kube-apiserver's serializers write it: JSON is
// compact with Go's escaping and a trailing newline (json.Encoder), or indented without one when
// pretty printing was asked for; an error whose media type cannot be negotiated is written as
// indented JSON (kube-apiserver's WriteRawJSON). A Status body always gets upstream's field order.
import YAML from 'yaml';
import { goJsonIndent, goJsonLine } from '../../lib/api/go-json';
import { canonicalStatus, isStatus } from '../../lib/api/status';
import { negotiateOutput, type ResponseFormat } from './negotiate';

export type Output = { encoding: 'json' | 'yaml'; pretty: boolean } | { raw: true };

/** Go's strconv.ParseBool: undefined for anything it rejects. */
export function goParseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/**
 * Whether the request asks for indented JSON apart from the Accept header: a non-empty `pretty`
 * query parameter decides by strconv.ParseBool (unparseable is false); without one, curl, Wget
 * and browsers get it, as kube-apiserver's isPrettyPrint does.
 */
export function prettyRequested(q: URLSearchParams, userAgent: string | undefined): boolean {
  const v = q.get('pretty');
  if (v) return goParseBool(v) ?? false;
  const ua = userAgent ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}

/** The output for a negotiated format; only JSON has a pretty form (YAML has none upstream). */
export function outputOf(format: Pick<ResponseFormat, 'encoding' | 'pretty'>, prettyByRequest: boolean): Output {
  return { encoding: format.encoding, pretty: format.encoding === 'json' && (format.pretty || prettyByRequest) };
}

/**
 * How an error is written: negotiated with no conversions allowed (an `as=Table` clause alone
 * does not apply to a Status), else raw indented JSON.
 */
export function errorOutput(accept: string | undefined, prettyByRequest: boolean): Output {
  const f = negotiateOutput(accept, 'none');
  return f ? outputOf(f, prettyByRequest) : { raw: true };
}

export function encodeResponse(value: unknown, out: Output): { body: string; contentType: string } {
  const v = isStatus(value) ? canonicalStatus(value) : value;
  if ('raw' in out) return { body: goJsonIndent(v), contentType: 'application/json' };
  if (out.encoding === 'yaml') return { body: YAML.stringify(v), contentType: 'application/yaml' };
  return { body: out.pretty ? goJsonIndent(v) : goJsonLine(v), contentType: 'application/json' };
}
