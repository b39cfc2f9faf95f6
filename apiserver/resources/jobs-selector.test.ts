// The Job selector as kube-apiserver treats it: generated from the uid unless manualSelector,
// refused when written by hand without manualSelector, and required and matching with it.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { jobs } from './index';

const tmpl = (labels: Record<string, string> = { app: 'x' }) => ({ metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'k8ts/web:1.0' }] } });
const meta = { name: 'once', namespace: 'default', uid: 'u-1' };

function validate(spec: object): string[] {
  const o = JSON.parse(JSON.stringify({ metadata: meta, spec })) as KObject;
  jobs.defaults?.(o);
  return (jobs.validate?.(o) ?? []).map((e) => `${e.reason} ${e.field}: ${e.message}`);
}

describe('job selector', () => {
  const cases: [string, object, string[]][] = [
    ['generated', { template: tmpl() }, []],
    ['a hand-written selector without manualSelector', { selector: { matchLabels: { app: 'x' } }, template: tmpl() }, [
      'FieldValueInvalid spec.selector: Invalid value: {"matchLabels":{"app":"x","batch.kubernetes.io/controller-uid":"u-1"}}: `selector` not auto-generated',
    ]],
    ['manualSelector with a matching selector', { manualSelector: true, selector: { matchLabels: { app: 'x' } }, template: tmpl() }, []],
    ['manualSelector without a selector', { manualSelector: true, template: tmpl() }, ['FieldValueRequired spec.selector: Required value']],
    ['manualSelector with a selector that does not match', { manualSelector: true, selector: { matchLabels: { app: 'y' } }, template: tmpl() }, [
      'FieldValueInvalid spec.template.metadata.labels: Invalid value: {"app":"x"}: `selector` does not match template `labels`',
    ]],
  ];
  for (const [what, spec, want] of cases) it(what, () => assert.deepEqual(validate(spec), want));

  it('defaults backoffLimit to the int32 maximum with backoffLimitPerIndex', () => {
    const o = { metadata: meta, spec: { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, template: tmpl() } } as unknown as KObject & { spec: { backoffLimit: number } };
    jobs.defaults?.(o);
    assert.equal(o.spec.backoffLimit, 2147483647);
  });
});
