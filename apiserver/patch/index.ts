// The apiserver's patch library: one entry for the three patch types Kubernetes accepts.
// The result is a new object; the original is never modified.
import type { KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import { isObject } from './json-util';
import { jsonPatch } from './json-patch';
import { mergePatch } from './merge-patch';
import { strategicMergePatch } from './strategic';

export { jsonPatch } from './json-patch';
export { mergePatch } from './merge-patch';
export { strategicMergePatch } from './strategic';
export { listStrategy } from './merge-keys';

export function applyPatch(type: 'merge' | 'json' | 'strategic', original: KObject, patch: unknown, kind: string): KObject {
  let out: unknown;
  switch (type) {
    case 'json':
      out = jsonPatch(original, patch);
      break;
    case 'merge':
      if (!isObject(patch)) throw apiError(400, 'BadRequest', 'invalid merge patch: the patch must be a JSON object');
      out = mergePatch(original, patch);
      break;
    case 'strategic':
      out = strategicMergePatch(original, patch, kind);
      break;
    default:
      throw apiError(415, 'UnsupportedMediaType', `unsupported patch type "${String(type)}"`);
  }
  if (!isObject(out)) throw apiError(422, 'Invalid', 'the patched object is not a JSON object');
  if (!isObject(out.metadata)) out.metadata = {};
  return out as KObject;
}
