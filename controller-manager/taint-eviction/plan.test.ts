import assert from 'node:assert/strict';
import type { Taint, Toleration } from '../../lib/api/taints';
import { evictionDecision, type EvictionDecision } from './plan';

const UR: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const NR: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const tol = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
const NOW = 1_000_000;

describe('taint eviction decision', () => {
  const cases: [string, Toleration[], Taint[], { createdAt: number } | undefined, EvictionDecision][] = [
    ['no taints: cancel', [], [], undefined, { kind: 'cancel', why: 'no-taints' }],
    ['untolerated taint: evict now', [], [UR], undefined, { kind: 'evict-now' }],
    ['untolerated taint with a schedule: evict now all the same', [tol(NR.key, 5)], [UR], { createdAt: NOW - 1000 }, { kind: 'evict-now' }],
    ['default 300 s tolerations: scheduled in 300 s', [tol(NR.key, 300), tol(UR.key, 300)], [UR], undefined, { kind: 'schedule', createdAt: NOW, fireAt: NOW + 300_000 }],
    ['10 s: scheduled in 10 s', [tol(UR.key, 10)], [UR], undefined, { kind: 'schedule', createdAt: NOW, fireAt: NOW + 10_000 }],
    ['both taints: the smaller time', [tol(NR.key, 30), tol(UR.key, 10)], [UR, NR], undefined, { kind: 'schedule', createdAt: NOW, fireAt: NOW + 10_000 }],
    ['tolerates forever: cancel', [tol(UR.key)], [UR], { createdAt: NOW - 5000 }, { kind: 'cancel', why: 'tolerated-forever' }],
    ['already scheduled earlier: keep', [tol(UR.key, 10)], [UR], { createdAt: NOW - 5000 }, { kind: 'keep' }],
    ['scheduled at this very moment: scheduled again from then', [tol(UR.key, 10)], [UR], { createdAt: NOW }, { kind: 'schedule', createdAt: NOW, fireAt: NOW + 10_000 }],
    ['zero seconds: scheduled now', [tol(UR.key, 0)], [UR], undefined, { kind: 'schedule', createdAt: NOW, fireAt: NOW }],
  ];
  for (const [title, tolerations, taints, scheduled, want] of cases) it(title, () => assert.deepEqual(evictionDecision(tolerations, taints, NOW, scheduled), want));
});
