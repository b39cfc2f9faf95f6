// Table tests of the per-kind validators that sit on the concept rules: Endpoints and
// EndpointSlices, Nodes, claims and volumes, HPAs.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { validateEndpoints, validateEndpointSlice } from './validation-endpoints';
import { validateNodeSpec, validateNodeStatus } from './validation-node';
import { claimSpec, claimStatus, volumeSpecRules } from './validation-claims';
import { behavior, hpaStatus, metrics } from './validation-autoscaling';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const obj = (o: Record<string, unknown>) => ({ metadata: { name: 'x' }, ...o }) as KObject;
function expectStarts(got: string[], want: string[]) {
  assert.equal(got.length, want.length, got.join('\n'));
  want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
}

describe('validation of endpoints, nodes, claims and autoscalers', () => {
  const endpoints: [string, unknown[], string[]][] = [
    ['valid (loopback allowed for local clusters)', [{ addresses: [{ ip: '10.244.1.5', hostname: 'web-0', nodeName: 'n1' }, { ip: '127.0.0.1' }], ports: [{ port: 8080 }] }], []],
    ['no addresses', [{ ports: [{ port: 80 }] }], ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
    ['bad ip', [{ addresses: [{ ip: 'nope' }] }], ['subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['link-local', [{ notReadyAddresses: [{ ip: '169.254.169.254' }] }], ['subsets[0].notReadyAddresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range']],
    ['unspecified', [{ addresses: [{ ip: '0.0.0.0' }] }], ['subsets[0].addresses[0].ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']],
    ['hostname', [{ addresses: [{ ip: '10.0.0.1', hostname: 'Web_0' }] }], ['subsets[0].addresses[0].hostname: Invalid value: "Web_0": a lowercase RFC 1123 label']],
    ['ports', [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 0 }, { name: 'b', port: 80, protocol: 'ICMP' }] }], [
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'subsets[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]],
  ];
  for (const [name, subsets, want] of endpoints) it(`endpoints: ${name}`, () => expectStarts(msgs(validateEndpoints(obj({ subsets }))), want));

  const slices: [string, Record<string, unknown>, string[]][] = [
    ['valid', { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'], hostname: 'a' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }, []],
    ['family', { addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
    ['FQDN', { addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com', 'single'] }] }, ['endpoints[0].addresses[1]: Invalid value: "single": should be a domain with at least two segments separated by dots']],
    ['no addresses', { addressType: 'IPv6', endpoints: [{ addresses: [] }] }, ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['address type', { addressType: 'IPv5' }, ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']],
    ['port', { addressType: 'IPv4', ports: [{ name: 'a', port: 70000 }, { name: 'a', port: 1 }] }, ['ports[0].port: Invalid value: 70000', 'ports[1].name: Duplicate value: "a"']],
  ];
  for (const [name, s, want] of slices) it(`endpointslice: ${name}`, () => expectStarts(msgs(validateEndpointSlice(obj(s))), want));

  const nodes: [string, Record<string, unknown>, string[]][] = [
    ['valid', { spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', 'fd00:1::/64'], taints: [{ key: 'a', effect: 'NoSchedule' }] } }, []],
    ['pod CIDR', { spec: { podCIDR: '10.244.1.0/33' } }, ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value']],
    ['two CIDRs of one family', { spec: { podCIDRs: ['10.244.1.0/24', '10.245.1.0/24'] } }, ['spec.podCIDRs: Invalid value: ["10.244.1.0/24","10.245.1.0/24"]: may specify no more than one CIDR for each IP family']],
    ['taint effect', { spec: { taints: [{ key: 'a', effect: 'Sometimes' }] } }, ['metadata.taints[0].effect: Unsupported value: "Sometimes"']],
  ];
  for (const [name, n, want] of nodes) it(`node spec: ${name}`, () => expectStarts(msgs(validateNodeSpec(obj(n))), want));

  it('node status: capacity, allocatable and addresses', () => {
    assert.deepEqual(validateNodeStatus(obj({ status: { capacity: { cpu: '2', memory: '8Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '10.0.0.9' }, { type: 'Hostname', address: 'n1' }] } })), []);
    expectStarts(msgs(validateNodeStatus(obj({ status: { capacity: { memory: '12xyz' }, allocatable: { pods: '-1' }, addresses: [{ type: 'InternalIP', address: 'n1' }, { type: 'InternalIP', address: 'n1' }] } }))), [
      'status.capacity.memory: Invalid value: "12xyz": quantities must match the regular expression',
      'status.allocatable.pods: Invalid value: "-1": must be greater than or equal to 0',
      'status.addresses[0].address: Invalid value: "n1": must be a valid IP address',
      'status.addresses[1]: Duplicate value',
      'status.addresses[1].address: Invalid value: "n1": must be a valid IP address',
    ]);
  });

  const claims: [string, Record<string, unknown>, string[]][] = [
    ['valid', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } }, storageClassName: 'local' }, []],
    ['access modes', { accessModes: [], resources: { requests: { storage: '1Gi' } } }, ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['RWOP alone', { accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
    ['storage missing', { accessModes: ['ReadWriteOnce'] }, ['spec.resources[storage]: Required value']],
    ['storage zero', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }, ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['storage unparseable', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1 Gi' } } }, ['spec.resources[storage]: Invalid value: "1 Gi": quantities must match the regular expression']],
    ['limit unparseable', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: 'x' } } }, ['spec.resources.limits[storage]: Invalid value: "x": quantities must match']],
    ['class name', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'Fast_SSD' }, ['spec.storageClassName: Invalid value: "Fast_SSD": a lowercase RFC 1123 subdomain']],
    ['volume mode', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Raw' }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
  ];
  for (const [name, spec, want] of claims) it(`claim spec: ${name}`, () => expectStarts(msgs(claimSpec(spec, 'spec')), want));

  it('claim status and PV capacity quantities', () => {
    expectStarts(msgs(claimStatus({ capacity: { storage: '-1Gi' }, allocatedResources: { storage: 'big' } })), [
      'status.capacity[storage]: Invalid value: -1073741824: must be a valid resource quantity',
      'status.allocatedResources[storage]: Invalid value: "big": quantities must match',
    ]);
    expectStarts(msgs(volumeSpecRules({ accessModes: ['ReadWriteOnce'], capacity: { storage: '0' }, local: { path: '/x' } })), [
      'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
      'spec.nodeAffinity: Required value: Local volume requires node affinity',
    ]);
    expectStarts(msgs(volumeSpecRules({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi', cpu: '1' } })), ['spec.capacity: Unsupported value: {"storage":"1Gi","cpu":"1"}: supported values: "storage"']);
  });

  const hpaMetrics: [string, unknown, string[]][] = [
    ['cpu utilization', { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }, []],
    ['average value', { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } }, []],
    ['negative value (printed as upstream prints a quantity)', { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '-5' } } }, ['m[0].external.target.value: Invalid value: -5: must be positive']],
    ['unparseable value', { type: 'Object', object: { metric: { name: 'hits' }, describedObject: { kind: 'Ingress', name: 'x' }, target: { type: 'Value', value: '10 k' } } }, ['m[0].object.target.value: Invalid value: "10 k": quantities must match']],
    ['utilization zero', { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }, ['m[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
    ['target type', { type: 'Resource', resource: { name: 'cpu', target: { type: 'Percent', averageUtilization: 5 } } }, ['m[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue']],
    ['missing source', { type: 'Resource' }, ['m[0].resource: Required value: must populate information for the given metric source']],
    ['metric selector', { type: 'Pods', pods: { metric: { name: 'rps', selector: { matchLabels: { 'a b': 'c' } } }, target: { type: 'AverageValue', averageValue: '1' } } }, ['m[0].pods.metric.selector.matchLabels: Invalid value: "a b"']],
  ];
  for (const [name, m, want] of hpaMetrics) it(`hpa metric: ${name}`, () => expectStarts(msgs(metrics([m], 'm')), want));

  it('hpa behavior and status', () => {
    expectStarts(msgs(behavior({ scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Avg', policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] } }, 'b')), [
      'b.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
      'b.scaleUp.selectPolicy: Unsupported value: "Avg": supported values: "Disabled", "Max", "Min"',
      'b.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'b.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
    ]);
    expectStarts(msgs(hpaStatus({ currentMetrics: [{ type: 'Pods', pods: { current: { averageValue: 'x' } } }] })), ['status.currentMetrics[0].pods.current.averageValue: Invalid value: "x"']);
  });
});
