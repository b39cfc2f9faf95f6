import assert from 'node:assert/strict';
import { container, nodeWith, podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { mkPod } from '../../../test/fixtures/scheduler/objects';
import type { Pod } from '../../../lib/api/types';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { PluginArgsError } from '../../framework/types';
import { isSchedulableAfterPodChange, NodeResourcesFit, plugin } from '.';

/** A pod whose one container requests exactly `requests` (any resource names). */
const req = (name: string, requests: Record<string, string>, extra: Record<string, unknown> = {}): Pod => podWith(name, { containers: [container('c', { requests })], ...extra });
const build = (args: unknown) => plugin.factory(args, fakeHandle()) as NodeResourcesFit;

describe('plugin NodeResourcesFit: filter', () => {
  const alloc = { cpu: '10', memory: '20', pods: '32', 'example.com/aaa': '5', 'example.com/bbb': '5', 'hugepages-2Mi': '4Mi', 'ephemeral-storage': '20' };
  const cases: { title: string; pod: Pod; existing?: Pod[]; args?: unknown; alloc?: Record<string, string>; want: string[] }[] = [
    { title: 'no requests fits a full node', pod: mkPod('p'), existing: [req('e', { cpu: '10', memory: '20' })], want: [] },
    { title: 'fits with room', pod: req('p', { cpu: '1', memory: '1' }), existing: [req('e', { cpu: '5', memory: '5' })], want: [] },
    { title: 'exactly fills the node', pod: req('p', { cpu: '5', memory: '15' }), existing: [req('e', { cpu: '5', memory: '5' })], want: [] },
    { title: 'cpu and memory both short, reasons in order', pod: req('p', { cpu: '1', memory: '1' }), existing: [req('e', { cpu: '10', memory: '20' })], want: ['Insufficient cpu', 'Insufficient memory'] },
    { title: 'only memory short', pod: req('p', { cpu: '1', memory: '2' }), existing: [req('e', { cpu: '5', memory: '19' })], want: ['Insufficient memory'] },
    { title: 'init container larger than the app containers', pod: podWith('p', { containers: [container('c', { requests: { cpu: '1' } })], initContainers: [container('i', { requests: { cpu: '3' } })] }), existing: [req('e', { cpu: '8' })], want: ['Insufficient cpu'] },
    { title: 'overhead counts', pod: req('p', { cpu: '1' }, { overhead: { cpu: '2' } }), existing: [req('e', { cpu: '8' })], want: ['Insufficient cpu'] },
    { title: 'extended resource fits', pod: req('p', { 'example.com/aaa': '1' }), existing: [req('e', { 'example.com/aaa': '4' })], want: [] },
    { title: 'extended resource short', pod: req('p', { 'example.com/aaa': '2' }), existing: [req('e', { 'example.com/aaa': '4' })], want: ['Insufficient example.com/aaa'] },
    { title: 'extended resource the node lacks', pod: req('p', { 'example.com/ccc': '1' }), want: ['Insufficient example.com/ccc'] },
    { title: 'ignoredResources skips that extended resource', pod: req('p', { 'example.com/ccc': '1' }), args: { ignoredResources: ['example.com/ccc'] }, want: [] },
    { title: 'ignoredResourceGroups skips the whole domain', pod: req('p', { 'example.com/ccc': '1', 'other.io/x': '1' }), args: { ignoredResourceGroups: ['example.com'] }, want: ['Insufficient other.io/x'] },
    { title: 'hugepages fit', pod: req('p', { 'hugepages-2Mi': '2Mi' }), existing: [req('e', { 'hugepages-2Mi': '2Mi' })], want: [] },
    { title: 'hugepages short, and cannot be ignored', pod: req('p', { 'hugepages-2Mi': '4Mi' }), existing: [req('e', { 'hugepages-2Mi': '2Mi' })], args: { ignoredResources: ['hugepages-2Mi'] }, want: ['Insufficient hugepages-2Mi'] },
    { title: 'ephemeral-storage short', pod: req('p', { 'ephemeral-storage': '10' }), existing: [req('e', { 'ephemeral-storage': '15' })], want: ['Insufficient ephemeral-storage'] },
    { title: 'pod count: too many pods even with no requests', pod: mkPod('p'), alloc: { pods: '1' }, existing: [mkPod('e')], want: ['Too many pods'] },
    { title: 'pod count and cpu both reported', pod: req('p', { cpu: '1' }), alloc: { pods: '1' }, existing: [req('e', { cpu: '10' })], want: ['Too many pods', 'Insufficient cpu'] },
    { title: 'zero request of a resource the node lacks is no request', pod: req('p', { 'example.com/ccc': '0' }), want: [] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const pl = build(c.args);
      const info = new NodeInfo(nodeWith('n', { allocatable: { ...alloc, ...c.alloc } }), (c.existing ?? []).map((p) => ({ ...p, spec: { ...p.spec, nodeName: 'n' } })));
      const state = new CycleState();
      assert.equal(pl.preFilter(state, c.pod, [info]).status.code, 'Success');
      const st = pl.filter(state, c.pod, info);
      assert.deepEqual(st.reasons, c.want);
      assert.equal(st.code, c.want.length ? 'Unschedulable' : 'Success');
    });
  }

  it('an unreadable request is unresolvable, not a crash', () => {
    const pre = new NodeResourcesFit().preFilter(new CycleState(), req('p', { cpu: 'lots' }), []);
    assert.equal(pre.status.code, 'UnschedulableAndUnresolvable');
    assert.match(pre.status.reasons[0], /pod requests could not be read/);
  });
});

describe('plugin NodeResourcesFit: score', () => {
  const score = (args: unknown, pod: Pod, alloc: Record<string, string>, existing: Pod[] = []) => {
    const pl = build(args);
    const state = new CycleState();
    const info = new NodeInfo(nodeWith('n', { allocatable: alloc }), existing.map((p) => ({ ...p, spec: { ...p.spec, nodeName: 'n' } })));
    assert.equal(pl.preScore(state, pod, [info]).code, 'Success');
    return pl.score(state, pod, info);
  };
  const node = { cpu: '4', memory: '10000' };
  const pod = req('p', { cpu: '3', memory: '5000' });
  const strategy = (type: string, extra: Record<string, unknown> = {}) => ({ scoringStrategy: { type, ...extra } });
  const cases: { title: string; args?: unknown; pod: Pod; alloc: Record<string, string>; existing?: Pod[]; want: number }[] = [
    // cpu (4000-3000)*100/4000 = 25, memory (10000-5000)*100/10000 = 50, mean 37 (integer).
    { title: 'LeastAllocated (default)', pod, alloc: node, want: 37 },
    { title: 'LeastAllocated counts existing pods', pod: req('p', { cpu: '1', memory: '2000' }), alloc: node, existing: [req('e', { cpu: '2', memory: '3000' })], want: 37 },
    { title: 'LeastAllocated: empty pod counts 100m and 200Mi', pod: mkPod('p'), alloc: { cpu: '1', memory: '2000Mi' }, want: 90 },
    { title: 'LeastAllocated: existing empty pods count with the defaults too', pod: mkPod('p'), alloc: { cpu: '1', memory: '2000Mi' }, existing: [mkPod('e')], want: 80 },
    { title: 'LeastAllocated: over-committed node scores 0', pod: req('p', { cpu: '5', memory: '20000' }), alloc: node, want: 0 },
    { title: 'LeastAllocated with weights cpu 2, memory 1', args: strategy('LeastAllocated', { resources: [{ name: 'cpu', weight: 2 }, { name: 'memory', weight: 1 }] }), pod, alloc: node, want: 33 },
    { title: 'MostAllocated', args: strategy('MostAllocated'), pod, alloc: node, want: 62 },
    { title: 'MostAllocated: over-committed counts as full', args: strategy('MostAllocated'), pod: req('p', { cpu: '8', memory: '10000' }), alloc: node, want: 100 },
    {
      title: 'extended resource the pod does not ask for is left out',
      args: strategy('LeastAllocated', { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 5 }] }),
      pod,
      alloc: { ...node, 'example.com/gpu': '4' },
      want: 37,
    },
    {
      title: 'extended resource the pod asks for is scored with its weight',
      args: strategy('LeastAllocated', { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 2 }] }),
      pod: req('p', { cpu: '3', memory: '5000', 'example.com/gpu': '1' }),
      alloc: { ...node, 'example.com/gpu': '4' },
      want: 56, // (25 + 50 + 75*2) / 4
    },
    { title: 'RequestedToCapacityRatio bin packing shape', args: strategy('RequestedToCapacityRatio', { requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } }), pod, alloc: node, want: 63 },
    { title: 'RequestedToCapacityRatio spreading shape', args: strategy('RequestedToCapacityRatio', { requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } }), pod, alloc: node, want: 38 },
    {
      title: 'RequestedToCapacityRatio leaves resources scoring 0 out of the mean',
      args: strategy('RequestedToCapacityRatio', { requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } }),
      pod: req('p', { cpu: '4', memory: '5000' }),
      alloc: node,
      want: 50,
    },
  ];
  for (const c of cases) it(c.title, () => assert.equal(score(c.args, c.pod, c.alloc, c.existing), c.want));

  it('prefers the emptier node by default', () => {
    const p = mkPod('p');
    assert.ok(score(undefined, p, { cpu: '2', memory: '4Gi' }) > score(undefined, p, { cpu: '2', memory: '4Gi' }, [req('e', { cpu: '1500m', memory: '3Gi' })]));
  });
});

describe('plugin NodeResourcesFit: args', () => {
  it('defaults: LeastAllocated over cpu and memory, weight 1', () => {
    assert.deepEqual(build(undefined).args.scoringStrategy, { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] });
    assert.deepEqual(build(plugin.defaultArgs!()).args, build(undefined).args);
  });
  it('weight 0 means 1', () => {
    assert.deepEqual(build({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 0 }] } }).args.scoringStrategy.resources, [{ name: 'cpu', weight: 1 }]);
  });
  const bad: { title: string; args: unknown; match: RegExp }[] = [
    { title: 'unknown strategy', args: { scoringStrategy: { type: 'Random' } }, match: /Unsupported value: "Random"/ },
    { title: 'weight above 100', args: { scoringStrategy: { resources: [{ name: 'cpu', weight: 101 }] } }, match: /valid range \[1, 100\]/ },
    { title: 'negative weight', args: { scoringStrategy: { resources: [{ name: 'cpu', weight: -1 }] } }, match: /valid range \[1, 100\]/ },
    { title: 'duplicate resource', args: { scoringStrategy: { resources: [{ name: 'cpu' }, { name: 'cpu' }] } }, match: /Duplicate value: "cpu"/ },
    { title: 'group with a slash', args: { ignoredResourceGroups: ['example.com/aaa'] }, match: /can't contain '\/'/ },
    { title: 'ratio without shape', args: { scoringStrategy: { type: 'RequestedToCapacityRatio' } }, match: /at least one point/ },
    { title: 'shape not increasing', args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 50, score: 2 }] } } }, match: /increasing order/ },
    { title: 'shape score above 10', args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 11 }] } } }, match: /\[0, 10\]/ },
    { title: 'utilization above 100', args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 101, score: 1 }] } } }, match: /\[0, 100\]/ },
  ];
  for (const c of bad) {
    it(`rejects: ${c.title}`, () => {
      assert.throws(
        () => build(c.args),
        (e: unknown) => e instanceof PluginArgsError && c.match.test((e as Error).message),
      );
    });
  }
});

describe('plugin NodeResourcesFit: events', () => {
  it('node hint: queue when the pod would fit the (empty) node', () => {
    const pl = new NodeResourcesFit();
    const pod = req('p', { cpu: '3' });
    assert.equal(pl.isSchedulableAfterNodeChange(pod, undefined, nodeWith('n', { allocatable: { cpu: '4' } })), 'Queue');
    assert.equal(pl.isSchedulableAfterNodeChange(pod, undefined, nodeWith('n', { allocatable: { cpu: '2' } })), 'QueueSkip');
  });
  it('pod hint: only bound pods free room', () => {
    assert.equal(isSchedulableAfterPodChange(mkPod('p'), mkPod('e', { nodeName: 'n' }), undefined), 'Queue');
    assert.equal(isSchedulableAfterPodChange(mkPod('p'), mkPod('e'), undefined), 'QueueSkip');
  });
  it('registers pod and node events', () => {
    assert.deepEqual(
      new NodeResourcesFit().eventsToRegister().map((e) => e.event.resource),
      ['Pod', 'Node'],
    );
  });
});
