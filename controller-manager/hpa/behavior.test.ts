import assert from 'node:assert/strict';
import { defaultScaleDown, defaultScaleUp, normalizeWithBehavior, normalizeWithoutBehavior, scaleDownLimit, scaleUpLimit, type Behavior, type NormalizeInput } from './behavior';

const NOW = 1_000_000;
const base = (o: Partial<NormalizeInput>): NormalizeInput => ({ currentReplicas: 2, desiredReplicas: 2, minReplicas: 1, maxReplicas: 10, nowMs: NOW, recommendations: [], scaleUpEvents: [], scaleDownEvents: [], ...o });
const defaults: Behavior = { scaleUp: defaultScaleUp(undefined), scaleDown: defaultScaleDown(undefined) };

describe('hpa behavior', () => {
  it("fills upstream's defaults into the parts left out", () => {
    assert.deepEqual(defaults, {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
    assert.equal(defaultScaleDown({ stabilizationWindowSeconds: 5 }).stabilizationWindowSeconds, 5);
  });

  it('rate limits by policy, counting what changed within each period', () => {
    const pods4 = { type: 'Pods' as const, value: 4, periodSeconds: 60 };
    const pct = { type: 'Percent' as const, value: 50, periodSeconds: 60 };
    const cases: [string, number, { change: number; atMs: number }[], 'Max' | 'Min' | 'Disabled', number][] = [
      ['Max of 4 pods and 50% of 10', 10, [], 'Max', 15],
      ['Min of the two', 10, [], 'Min', 14],
      ['Disabled', 10, [], 'Disabled', 10],
      ['3 added within the period shrink the base', 10, [{ change: 3, atMs: NOW - 30_000 }], 'Max', 11],
      ['changes older than the period do not count', 10, [{ change: 3, atMs: NOW - 61_000 }], 'Max', 15],
    ];
    for (const [name, cur, ev, sel, want] of cases) assert.equal(scaleUpLimit(cur, ev, { stabilizationWindowSeconds: 0, selectPolicy: sel, policies: [pods4, pct] }, NOW), want, name);
    assert.equal(scaleDownLimit(10, [], { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, pct] }, NOW), 5);
    assert.equal(scaleDownLimit(10, [], { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, pct] }, NOW), 9);
    assert.equal(scaleDownLimit(10, [{ change: 2, atMs: NOW - 10_000 }], { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [pct] }, NOW), 6);
  });

  const cases: { name: string; i: Partial<NormalizeInput>; b?: Behavior; want: number; able: string; limited: [string, string] }[] = [
    { name: 'within range', i: { desiredReplicas: 3 }, want: 3, able: 'ReadyForNewScale', limited: ['False', 'DesiredWithinRange'] },
    { name: 'up to maxReplicas', i: { currentReplicas: 8, desiredReplicas: 30 }, want: 10, able: 'ReadyForNewScale', limited: ['True', 'TooManyReplicas'] },
    { name: 'the default scale-up rate: at most +4 pods or +100% per 15 s', i: { currentReplicas: 1, desiredReplicas: 9 }, want: 5, able: 'ReadyForNewScale', limited: ['True', 'ScaleUpLimit'] },
    { name: 'down to minReplicas', i: { currentReplicas: 4, desiredReplicas: 0, minReplicas: 2 }, want: 2, able: 'ReadyForNewScale', limited: ['True', 'TooFewReplicas'] },
    {
      name: 'a scale-down waits for the window: the highest recent recommendation wins',
      i: { currentReplicas: 4, desiredReplicas: 1, recommendations: [{ replicas: 4, atMs: NOW - 100_000 }, { replicas: 3, atMs: NOW - 50_000 }] },
      want: 4, able: 'ScaleDownStabilized', limited: ['False', 'DesiredWithinRange'],
    },
    {
      name: 'recommendations older than the window no longer hold it',
      i: { currentReplicas: 4, desiredReplicas: 1, recommendations: [{ replicas: 4, atMs: NOW - 400_000 }] },
      want: 1, able: 'ReadyForNewScale', limited: ['False', 'DesiredWithinRange'],
    },
    {
      name: 'a scale-up window takes the lowest recent recommendation',
      i: { currentReplicas: 2, desiredReplicas: 6, recommendations: [{ replicas: 3, atMs: NOW - 10_000 }] },
      b: { scaleUp: defaultScaleUp({ stabilizationWindowSeconds: 60 }), scaleDown: defaultScaleDown(undefined) },
      want: 3, able: 'ScaleUpStabilized', limited: ['False', 'DesiredWithinRange'],
    },
    {
      name: 'a short scale-down window and a Pods policy',
      i: { currentReplicas: 6, desiredReplicas: 1, recommendations: [{ replicas: 6, atMs: NOW - 10_000 }] },
      b: { scaleUp: defaultScaleUp(undefined), scaleDown: defaultScaleDown({ stabilizationWindowSeconds: 5, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] }) },
      want: 4, able: 'ReadyForNewScale', limited: ['True', 'ScaleDownLimit'],
    },
    {
      name: 'scale-down Disabled',
      i: { currentReplicas: 6, desiredReplicas: 1 },
      b: { scaleUp: defaultScaleUp(undefined), scaleDown: defaultScaleDown({ stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' }) },
      want: 6, able: 'ReadyForNewScale', limited: ['True', 'ScaleDownLimit'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const n = normalizeWithBehavior(base(c.i), c.b ?? defaults);
      assert.equal(n.replicas, c.want);
      assert.equal(n.ableToScale.reason, c.able);
      assert.deepEqual([n.scalingLimited.status, n.scalingLimited.reason], c.limited);
    });
  }

  it('without behavior: stabilized scale-downs, scale-ups bounded by max(2×current, 4)', () => {
    const cases: [Partial<NormalizeInput>, number, string, string][] = [
      [{ currentReplicas: 1, desiredReplicas: 9 }, 4, 'ReadyForNewScale', 'ScaleUpLimit'],
      [{ currentReplicas: 3, desiredReplicas: 9 }, 6, 'ReadyForNewScale', 'ScaleUpLimit'],
      [{ currentReplicas: 6, desiredReplicas: 30 }, 10, 'ReadyForNewScale', 'TooManyReplicas'],
      [{ currentReplicas: 4, desiredReplicas: 2, recommendations: [{ replicas: 4, atMs: NOW - 60_000 }] }, 4, 'ScaleDownStabilized', 'DesiredWithinRange'],
      [{ currentReplicas: 4, desiredReplicas: 2, recommendations: [{ replicas: 4, atMs: NOW - 360_000 }] }, 2, 'ReadyForNewScale', 'DesiredWithinRange'],
    ];
    for (const [i, want, able, lim] of cases) {
      const n = normalizeWithoutBehavior(base(i), 300_000);
      assert.deepEqual([n.replicas, n.ableToScale.reason, n.scalingLimited.reason], [want, able, lim], JSON.stringify(i));
    }
  });
});
