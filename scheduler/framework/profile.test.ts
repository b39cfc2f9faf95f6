import assert from 'node:assert/strict';
import { fakeCluster, fifoSort, fixedScores, noopBinder, rejectNodes } from '../../test/fixtures/scheduler/framework-fakes';
import { mkNode } from '../../test/fixtures/scheduler/objects';
import { DEFAULT_MULTI_POINT } from '../config/defaults';
import { SchedulerConfigError } from '../config/types';
import { buildFramework, mergePluginSet, resolvePlugins, UnknownPluginError, validateProfiles } from './profile';
import { registry } from './registry';
import { PluginArgsError, type PluginDefinition } from './types';

const handle = () => fakeCluster([mkNode('a')]).handle;
const names = (refs: { name: string }[]) => refs.map((r) => r.name);

describe('profiles', () => {
  it('mergePluginSet: disabled drop out, "*" drops every default, enabled replace in place or append', () => {
    const defaults = [{ name: 'A' }, { name: 'B', weight: 2 }, { name: 'C' }];
    assert.deepEqual(mergePluginSet(defaults, undefined), defaults);
    assert.deepEqual(mergePluginSet(defaults, { disabled: [{ name: 'B' }] }), [{ name: 'A' }, { name: 'C' }]);
    assert.deepEqual(mergePluginSet(defaults, { disabled: [{ name: '*' }], enabled: [{ name: 'C' }] }), [{ name: 'C' }]);
    assert.deepEqual(mergePluginSet(defaults, { enabled: [{ name: 'B', weight: 5 }, { name: 'D' }] }), [{ name: 'A' }, { name: 'B', weight: 5 }, { name: 'C' }, { name: 'D' }]);
  });

  it('the default profile places upstream’s plugins at their extension points with upstream’s weights', () => {
    const { points } = resolvePlugins({ schedulerName: 'default-scheduler' }, registry, handle());
    assert.deepEqual(names(points.queueSort), ['PrioritySort']);
    assert.deepEqual(names(points.preEnqueue), ['SchedulingGates']);
    assert.deepEqual(names(points.filter), ['NodeUnschedulable', 'NodeReady', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    assert.deepEqual(names(points.postFilter), ['DefaultPreemption']);
    assert.deepEqual(
      points.score.map((r) => `${r.name}:${r.weight ?? 1}`),
      ['TaintToleration:3', 'NodeAffinity:2', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1', 'ImageLocality:1'],
    );
    assert.deepEqual(names(points.reserve), ['VolumeBinding']);
    assert.deepEqual(names(points.preBind), ['VolumeBinding']);
    assert.deepEqual(names(points.bind), ['DefaultBinder']);
    assert.ok(DEFAULT_MULTI_POINT.every((r) => registry[r.name]), 'every default plugin is registered');
  });

  it('per-point lists come first and override multiPoint; disabled at a point removes it there only', () => {
    const { points } = resolvePlugins(
      { schedulerName: 'x', plugins: { score: { enabled: [{ name: 'ImageLocality', weight: 7 }], disabled: [{ name: 'NodeResourcesBalancedAllocation' }] }, filter: { disabled: [{ name: 'NodePorts' }] } } },
      registry,
      handle(),
    );
    assert.deepEqual(points.score[0], { name: 'ImageLocality', weight: 7 });
    assert.equal(points.score.filter((r) => r.name === 'ImageLocality').length, 1);
    assert.ok(!names(points.score).includes('NodeResourcesBalancedAllocation'));
    assert.ok(!names(points.filter).includes('NodePorts'));
    assert.ok(names(points.preFilter).includes('NodePorts'), 'still at PreFilter');
  });

  it('refuses unknown plugins, plugins at points they do not extend, bad args, and no queueSort/bind', () => {
    assert.throws(() => validateProfiles([{ schedulerName: 'x', plugins: { multiPoint: { enabled: [{ name: 'Nope' }] } } }], registry), UnknownPluginError);
    assert.throws(() => validateProfiles([{ schedulerName: 'x', pluginConfig: [{ name: 'Nope', args: {} }] }], registry), UnknownPluginError);
    assert.throws(() => validateProfiles([{ schedulerName: 'x', plugins: { score: { enabled: [{ name: 'NodeName' }] } } }], registry), /does not extend score plugin/);
    assert.throws(() => validateProfiles([{ schedulerName: 'x', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Bogus' } } }] }], registry), PluginArgsError);
    assert.throws(() => validateProfiles([{ schedulerName: 'x', plugins: { multiPoint: { disabled: [{ name: '*' }] } } }], registry), SchedulerConfigError);
  });

  it('weights multiply normalized scores', () => {
    const c = fakeCluster([mkNode('a'), mkNode('b')]);
    const reg: Record<string, PluginDefinition> = Object.fromEntries([fifoSort, noopBinder, fixedScores('S1', { a: 10, b: 0 }), fixedScores('S2', { a: 0, b: 6 }), rejectNodes('F', {})].map((p) => [p.name, p]));
    const fwk = buildFramework({ schedulerName: 'x', plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, { name: 'F' }, { name: 'S1', weight: 1 }, { name: 'S2', weight: 2 }] } } }, reg, c.handle);
    const r = fwk.runScorePlugins(new (require('./cycle-state').CycleState)(), mkNode('x') as never, c.snapshot.list());
    assert.deepEqual(r.result!.totals, [{ name: 'a', score: 10 }, { name: 'b', score: 12 }]);
  });
});
