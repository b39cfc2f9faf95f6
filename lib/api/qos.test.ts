import assert from 'node:assert/strict';
import { computePodQos, podQos, type PodLike, type QosClass } from './qos';

type R = Record<string, string>;
const c = (requests?: R, limits?: R) => ({ resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });
const pod = (containers: ReturnType<typeof c>[], initContainers?: ReturnType<typeof c>[]): PodLike => ({ spec: { containers, ...(initContainers ? { initContainers } : {}) } });
const both = (cpu: string, memory: string): R => ({ cpu, memory });

describe('lib/api/qos: QoS class as Kubernetes 1.32 computes it', () => {
  const cases: [string, PodLike, QosClass][] = [
    ['no resources', pod([c()]), 'BestEffort'],
    ['no containers', { spec: {} }, 'BestEffort'],
    ['only other resources', pod([c({ 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '1' }, { 'nvidia.com/gpu': '1' })]), 'BestEffort'],
    ['zero quantities do not count', pod([c({ cpu: '0', memory: '0' }, { cpu: '0m' })]), 'BestEffort'],
    ['requests equal limits', pod([c(both('1', '1Gi'), both('1', '1Gi'))]), 'Guaranteed'],
    ['limits only (requests default from them)', pod([c(undefined, both('500m', '256Mi'))]), 'Guaranteed'],
    ['values compared, not strings: 1 = 1000m, 1Gi = 1024Mi', pod([c(both('1000m', '1024Mi'), both('1', '1Gi'))]), 'Guaranteed'],
    ['0.7 = 700m despite binary floats', pod([c(both('0.7', '0.5Gi'), both('700m', '512Mi'))]), 'Guaranteed'],
    ['sums compared: 0.1 + 0.2 = 300m', pod([c(both('0.1', '1Gi'), both('100m', '1Gi')), c(both('0.2', '1Gi'), both('200m', '1Gi'))]), 'Guaranteed'],
    ['requests below limits', pod([c(both('500m', '1Gi'), both('1', '1Gi'))]), 'Burstable'],
    ['cpu limit only', pod([c(undefined, { cpu: '1' })]), 'Burstable'],
    ['requests only', pod([c({ memory: '1Gi' })]), 'Burstable'],
    ['one container guaranteed, one best-effort', pod([c(both('1', '1Gi'), both('1', '1Gi')), c()]), 'Burstable'],
    ['an init container without limits makes it Burstable', pod([c(both('1', '1Gi'), both('1', '1Gi'))], [c()]), 'Burstable'],
    ['an init container with requests alone makes a best-effort pod Burstable', pod([c()], [c({ cpu: '100m' })]), 'Burstable'],
    ['guaranteed init and app containers', pod([c(undefined, both('1', '1Gi'))], [c(both('2', '2Gi'), both('2', '2Gi'))]), 'Guaranteed'],
    ['extra resources do not spoil Guaranteed', pod([c({ ...both('1', '1Gi'), 'ephemeral-storage': '1Gi' }, both('1', '1Gi'))]), 'Guaranteed'],
    ['an unparseable quantity counts as absent', pod([c({ cpu: 'abc', memory: '1Gi' }, { memory: '1Gi' })]), 'Burstable'],
    ['numbers as quantities', { spec: { containers: [{ resources: { limits: { cpu: 1, memory: 1073741824 } } }] } }, 'Guaranteed'],
    ['null resources', { spec: { containers: [{ resources: null }] } }, 'BestEffort'],
  ];
  for (const [name, p, want] of cases) it(`${name} → ${want}`, () => assert.equal(computePodQos(p), want));

  const stored: [string, PodLike, QosClass][] = [
    ['the stored class wins (it never changes for a pod)', { ...pod([c()]), status: { qosClass: 'Guaranteed' } }, 'Guaranteed'],
    ['computed when none is stored', { ...pod([c({ cpu: '1' })]), status: {} }, 'Burstable'],
    ['computed when the stored one is not a class', { ...pod([c()]), status: { qosClass: 'Gold' } }, 'BestEffort'],
  ];
  for (const [name, p, want] of stored) it(`podQos: ${name}`, () => assert.equal(podQos(p), want));
});
