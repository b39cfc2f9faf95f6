import assert from 'node:assert/strict';
import type { KObject, Pod } from '../../lib/api/types';
import { ObjectAdmission } from './object-admission';
import { admitPodPriority, defaultPriorityClass, globalDefaultConflict, keepPodPriority, type PriorityClassLike } from './priority';

const pc = (name: string, value: number, extra: Partial<PriorityClassLike> = {}): PriorityClassLike =>
  ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra }) as PriorityClassLike;
const pod = (spec: Record<string, unknown> = {}): Pod =>
  ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } }) as unknown as Pod;
const prio = (p: Pod) => {
  const s = p.spec as { priorityClassName?: string; priority?: number; preemptionPolicy?: string };
  return { priorityClassName: s.priorityClassName, priority: s.priority, preemptionPolicy: s.preemptionPolicy };
};

const HIGH = pc('high', 1000, { preemptionPolicy: 'PreemptLowerPriority' });
const NEVER = pc('never', 500, { preemptionPolicy: 'Never' });
const DFLT = pc('dflt', 10, { globalDefault: true, preemptionPolicy: 'Never' });

describe('Priority admission', () => {
  const cases: { name: string; spec: Record<string, unknown>; named?: PriorityClassLike | null; dflt?: PriorityClassLike; want?: ReturnType<typeof prio>; err?: string }[] = [
    { name: 'no class, no default: priority 0, PreemptLowerPriority, no class name', spec: {}, want: { priorityClassName: undefined, priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'no class: the global default class, its name and policy', spec: {}, dflt: DFLT, want: { priorityClassName: 'dflt', priority: 10, preemptionPolicy: 'Never' } },
    { name: 'a named class gives its value and policy', spec: { priorityClassName: 'high' }, named: HIGH, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'a Never class', spec: { priorityClassName: 'never' }, named: NEVER, want: { priorityClassName: 'never', priority: 500, preemptionPolicy: 'Never' } },
    { name: 'a system class in any namespace', spec: { priorityClassName: 'system-node-critical' }, named: pc('system-node-critical', 2_000_001_000, { preemptionPolicy: 'PreemptLowerPriority' }), want: { priorityClassName: 'system-node-critical', priority: 2_000_001_000, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'a stated priority equal to the class value is accepted', spec: { priorityClassName: 'high', priority: 1000 }, named: HIGH, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'an unknown class', spec: { priorityClassName: 'nope' }, named: null, err: 'no PriorityClass with name nope was found' },
    {
      name: 'a stated priority that differs from the class',
      spec: { priorityClassName: 'high', priority: 5 }, named: HIGH,
      err: 'the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    },
    {
      name: 'a stated priority without a class differs from 0',
      spec: { priority: 7 },
      err: 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    },
    {
      name: 'a stated preemption policy that differs from the class',
      spec: { priorityClassName: 'never', preemptionPolicy: 'PreemptLowerPriority' }, named: NEVER,
      err: 'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = pod(c.spec);
      const err = admitPodPriority(p, c.named, c.dflt);
      assert.equal(err, c.err);
      if (c.want) assert.deepEqual(prio(p), c.want);
    });
  }

  it('picks the lowest-valued global default when a race left several', () => {
    assert.equal(defaultPriorityClass([HIGH, pc('a', 50, { globalDefault: true }), pc('b', 20, { globalDefault: true })])?.metadata.name, 'b');
    assert.equal(defaultPriorityClass([HIGH, NEVER]), undefined);
  });

  it('keeps the stored priority and policy on an update that leaves them out, and never overrides a stated one', () => {
    const stored = pod({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
    const next = pod({ priorityClassName: 'high' });
    keepPodPriority(next, stored);
    assert.deepEqual(prio(next), { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
    const changed = pod({ priorityClassName: 'high', priority: 3 });
    keepPodPriority(changed, stored);
    assert.equal(prio(changed).priority, 3); // validation refuses the change, as upstream
  });

  it('allows one global default class only', () => {
    const cases: [PriorityClassLike, PriorityClassLike[], 'create' | 'update', string | undefined][] = [
      [pc('x', 1, { globalDefault: true }), [HIGH], 'create', undefined],
      [pc('x', 1), [DFLT], 'create', undefined],
      [pc('x', 1, { globalDefault: true }), [DFLT], 'create', 'PriorityClass dflt is already marked as default. Only one default can exist'],
      [pc('x', 1, { globalDefault: true }), [DFLT, pc('x', 1)], 'update', 'PriorityClass dflt is already marked as default. Only one default can exist'],
      [pc('dflt', 10, { globalDefault: true, description: 'd' }), [DFLT], 'update', undefined],
    ];
    for (const [obj, classes, op, want] of cases) assert.equal(globalDefaultConflict(obj, classes, op), want, `${obj.metadata.name} ${op}`);
  });
});

describe('ObjectAdmission: Priority', () => {
  const PODS = { group: '', resource: 'pods', kind: 'Pod' };
  const PCS = { group: 'scheduling.k8s.io', resource: 'priorityclasses', kind: 'PriorityClass' };
  const adm = (classes: PriorityClassLike[]) => {
    const lookups: string[] = [];
    const a = new ObjectAdmission({
      listCached: async () => [],
      listFresh: async () => [],
      writeQuota: async () => undefined,
      priorityClasses: async () => classes as KObject[],
      priorityClass: async (name) => {
        lookups.push(name);
        return classes.find((c) => c.metadata.name === name);
      },
      now: () => new Date(),
    });
    return { a, lookups };
  };

  it('resolves the class of a new pod', async () => {
    const { a, lookups } = adm([HIGH, DFLT]);
    const p = pod({ priorityClassName: 'high' });
    await a.mutate(PODS, p as unknown as KObject);
    assert.deepEqual(prio(p), { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
    assert.deepEqual(lookups, ['high']);
    const q = pod();
    await a.mutate(PODS, q as unknown as KObject);
    assert.deepEqual(prio(q), { priorityClassName: 'dflt', priority: 10, preemptionPolicy: 'Never' });
  });

  it('refuses an unknown class with upstream\'s 403, naming the generateName when there is no name yet', async () => {
    const { a } = adm([]);
    await assert.rejects(a.mutate(PODS, pod({ priorityClassName: 'y' }) as unknown as KObject), (e: any) =>
      e.code === 403 && e.reason === 'Forbidden' && e.message === 'pods "p" is forbidden: no PriorityClass with name y was found');
    const gen = pod({ priorityClassName: 'y' }) as unknown as KObject;
    gen.metadata = { generateName: 'web-', namespace: 'ns' };
    await assert.rejects(a.mutate(PODS, gen), (e: any) => e.message === 'pods "web-" is forbidden: no PriorityClass with name y was found');
  });

  it('refuses a second global default class', async () => {
    const { a } = adm([DFLT]);
    await assert.rejects(a.validatePriorityClass(PCS, pc('other', 3, { globalDefault: true }), 'create'), (e: any) =>
      e.code === 403 && e.message === 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist');
    await a.validatePriorityClass(PCS, pc('other', 3), 'create');
  });
});
