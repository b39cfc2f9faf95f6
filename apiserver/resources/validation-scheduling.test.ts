import assert from 'node:assert/strict';
import { taints, tolerations } from './validation-scheduling';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

describe('validation-scheduling', () => {
  const tol: [string, unknown, string[]][] = [
    ['equal with value', { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }, []],
    ['empty operator means Equal', { key: 'dedicated', value: 'web' }, []],
    ['exists without key: match everything', { operator: 'Exists' }, []],
    ['NoExecute with seconds', { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, []],
    ['bad key', { key: 'a b', operator: 'Exists' }, ['t[0].key: Invalid value: "a b": name part must consist']],
    ['empty key needs Exists', { operator: 'Equal', value: 'x' }, ['t[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"']],
    ['seconds without NoExecute', { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }, ["t[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ['value with Exists', { key: 'k', operator: 'Exists', value: 'v' }, ["t[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]],
    ['bad value with Equal', { key: 'k', operator: 'Equal', value: 'a b' }, ['t[0].operator: Invalid value: "a b": a valid label must be an empty string']],
    ['unknown operator', { key: 'k', operator: 'Contains' }, ['t[0].operator: Unsupported value: "Contains": supported values: "Equal", "Exists"']],
    ['unknown effect', { key: 'k', operator: 'Exists', effect: 'NoRun' }, ['t[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
  ];
  for (const [name, t, want] of tol)
    it(`toleration: ${name}`, () => {
      const got = msgs(tolerations([t], 't'));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  const tnt: [string, unknown[], string[]][] = [
    ['valid', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], []],
    ['effect required', [{ key: 'a' }], ['metadata.taints[0].effect: Required value']],
    ['unknown effect', [{ key: 'a', effect: 'Nope' }], ['metadata.taints[0].effect: Unsupported value: "Nope": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ['bad key', [{ key: '', effect: 'NoSchedule' }], ['metadata.taints[0].key: Invalid value: "": name part must be non-empty', 'metadata.taints[0].key: Invalid value: "": name part must consist']],
    ['bad value', [{ key: 'a', value: 'x y', effect: 'NoSchedule' }], ['metadata.taints[0].value: Invalid value: "x y": a valid label must be']],
    ['unique by key and effect', [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoExecute' }], ['metadata.taints[1]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must be unique by key and effect pair']],
  ];
  for (const [name, list, want] of tnt)
    it(`taint: ${name}`, () => {
      const got = msgs(taints(list, 'metadata.taints'));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });
});
