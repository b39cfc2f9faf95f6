// JSON text as Go's encoding/json writes it, which is what kube-apiserver sends: compact, with
// `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029 (Go escapes
// them for HTML safety; JSON.stringify does not). Every other escape JSON.stringify makes is the
// same as Go's (\" \\ \b \f \n \r \t and \u00xx in lower-case hex), and the characters Go escapes
// only ever occur inside strings, so escaping them in the whole text is exact. Clients that
// compare response bodies byte for byte (and kube-apiserver's own tests) rely on this form.

const HAS_GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPED = /[<>&\u2028\u2029]/g;

const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function goEscape(text: string): string {
  // Most bodies hold none of these: test first so the common case allocates nothing more.
  if (!HAS_GO_ESCAPED.test(text)) return text;
  return text.replace(GO_ESCAPED, (c) => ESCAPES[c]);
}

/** json.Marshal: compact, Go's escaping, no trailing newline. */
export function goJson(value: unknown): string {
  return goEscape(JSON.stringify(value) ?? 'null');
}

/** json.Encoder.Encode, kube-apiserver's normal JSON body: goJson plus a trailing newline. */
export function goJsonLine(value: unknown): string {
  return goJson(value) + '\n';
}

/**
 * json.MarshalIndent(v, "", "  "): what kube-apiserver writes for ?pretty=true (and to curl) and
 * for an error it could not negotiate a media type for; no trailing newline. Go prints empty
 * objects and arrays as {} and [], as JSON.stringify does.
 */
export function goJsonIndent(value: unknown): string {
  return goEscape(JSON.stringify(value, null, 2) ?? 'null');
}
