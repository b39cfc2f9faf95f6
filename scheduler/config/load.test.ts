import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigurationFile, parseConfiguration } from './load';
import { SchedulerConfigError } from './types';

const base = { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration' };

describe('KubeSchedulerConfiguration', () => {
  it('fills upstream’s defaults', () => {
    const c = parseConfiguration(base);
    assert.equal(c.profiles[0].schedulerName, 'default-scheduler');
    assert.equal(c.podInitialBackoffSeconds, 1);
    assert.equal(c.podMaxBackoffSeconds, 10);
    assert.equal(c.percentageOfNodesToScore, 0);
  });

  const bad: [string, unknown, RegExp][] = [
    ['wrong apiVersion', { ...base, apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }, /apiVersion: unsupported apiVersion/],
    ['wrong kind', { ...base, kind: 'Other' }, /kind: unsupported kind/],
    ['duplicate scheduler names', { ...base, profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, /profiles\[1\]\.schedulerName: Duplicate value: "a"/],
    ['second profile without a name', { ...base, profiles: [{}, {}] }, /profiles\[1\]\.schedulerName: Required value/],
    ['percentage out of range', { ...base, percentageOfNodesToScore: 120 }, /percentageOfNodesToScore: must be an integer between 0 and 100/],
    ['unknown extension point', { ...base, profiles: [{ plugins: { sideways: {} } }] }, /unknown extension point "sideways"/],
    ['plugin without a name', { ...base, profiles: [{ plugins: { filter: { enabled: [{}] } } }] }, /profiles\[0\]\.plugins\.filter\.enabled\[0\]\.name: Required value/],
    ['weight out of range', { ...base, profiles: [{ plugins: { score: { enabled: [{ name: 'X', weight: 101 }] } } }] }, /weight: must be an integer between 0 and 100/],
    ['duplicate pluginConfig', { ...base, profiles: [{ pluginConfig: [{ name: 'A' }, { name: 'A' }] }] }, /pluginConfig\[1\]: Duplicate value: "A"/],
    ['max backoff below initial', { ...base, podInitialBackoffSeconds: 5, podMaxBackoffSeconds: 2 }, /podMaxBackoffSeconds: must be greater than or equal to podInitialBackoffSeconds/],
  ];
  for (const [name, doc, re] of bad) {
    it(`refuses: ${name}`, () => assert.throws(() => parseConfiguration(doc), (e: Error) => e instanceof SchedulerConfigError && re.test(e.message)));
  }

  it('reads YAML files and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-schedcfg-'));
    try {
      const good = join(dir, 'good.yaml');
      writeFileSync(good, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: packer\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: MostAllocated\n');
      const c = loadConfigurationFile(good);
      assert.equal(c.profiles[0].schedulerName, 'packer');
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'apiVersion: [\n');
      assert.throws(() => loadConfigurationFile(broken), new RegExp(broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      assert.throws(() => loadConfigurationFile(join(dir, 'missing.yaml')), /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
