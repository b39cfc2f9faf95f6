import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { pods } from './pods';
import { deployments } from './workloads';
import { validatePodStatus } from './validation-pod-status';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const container = { name: 'web', image: 'k8ts/web:1.0' };
function pod(spec: Record<string, unknown>): KObject {
  const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: clone({ containers: [container], ...spec }) } as KObject;
  pods.defaults!(o);
  return o;
}
function expectStarts(got: string[], want: string[]) {
  assert.equal(got.length, want.length, got.join('\n'));
  want.forEach((w, i) => assert.ok(got[i].startsWith(w), `${got[i]}\n  does not start with\n${w}`));
}
const C = 'spec.containers[0]';
const QRE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe('validation of pod specs', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['minimal pod', {}, []],
    ['issue 8: cpu "abc"', { containers: [{ ...container, resources: { requests: { cpu: 'abc' } } }] }, [`${C}.resources.requests[cpu]: Invalid value: "abc": ${QRE}`]],
    ['issue 8: memory "12xyz" on a bound pod', { nodeName: 'n1', containers: [{ ...container, resources: { limits: { memory: '12xyz' } } }] }, [`${C}.resources.limits[memory]: Invalid value: "12xyz": ${QRE}`]],
    ['init container quantities', { initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: '-1' } } }] }, ['spec.initContainers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0', 'spec.initContainers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0']],
    ['ephemeral container quantities', { ephemeralContainers: [{ name: 'dbg', image: 'busybox', resources: { requests: { memory: '1x' } } }] }, [`spec.ephemeralContainers[0].resources.requests[memory]: Invalid value: "1x": ${QRE}`]],
    ['overhead (upstream path has .limits)', { overhead: { cpu: 'lots' } }, [`spec.overhead.limits[cpu]: Invalid value: "lots": ${QRE}`]],
    ['pod-level resources', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }, ['spec.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['image whitespace on a pod', { containers: [{ name: 'web', image: ' k8ts/web:1.0' }] }, [`${C}.image: Invalid value: " k8ts/web:1.0": must not have leading or trailing whitespace`]],
    ['image grammar', { containers: [{ name: 'web', image: 'k8ts/Web:1.0' }] }, [`${C}.image: Invalid value: "k8ts/Web:1.0": invalid reference format: repository name (k8ts/Web) must be lowercase`]],
    ['image required', { containers: [{ name: 'web', image: '' }] }, [`${C}.image: Required value`]],
    ['container name', { containers: [{ name: 'Web', image: 'x' }] }, [`${C}.name: Invalid value: "Web": a lowercase RFC 1123 label`]],
    ['port name needs a letter', { containers: [{ ...container, ports: [{ name: '8080', containerPort: 8080 }] }] }, [`${C}.ports[0].name: Invalid value: "8080": must contain at least one letter (a-z)`]],
    ['container port required', { containers: [{ ...container, ports: [{ containerPort: 0 }] }] }, [`${C}.ports[0].containerPort: Required value`]],
    ['host port range', { containers: [{ ...container, ports: [{ containerPort: 80, hostPort: 70000 }] }] }, [`${C}.ports[0].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive`]],
    ['host IP', { containers: [{ ...container, ports: [{ containerPort: 80, hostPort: 8080, hostIP: 'localhost' }] }] }, [`${C}.ports[0].hostIP: Invalid value: "localhost": must be a valid IP address`]],
    ['protocol', { containers: [{ ...container, ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }, [`${C}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`]],
    ['host port conflict', { containers: [{ ...container, ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] }] }, ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']],
    ['host network ports', { hostNetwork: true, containers: [{ ...container, ports: [{ containerPort: 80, hostPort: 81 }] }] }, [`${C}.ports[0].hostPort: Invalid value: 81: must match \`containerPort\` when \`hostNetwork\` is true`]],
    ['host network defaults the host port', { hostNetwork: true, containers: [{ ...container, ports: [{ containerPort: 80 }] }] }, []],
    ['env var name', { containers: [{ ...container, env: [{ name: 'A=B', value: 'x' }] }] }, [`${C}.env[0].name: Invalid value: "A=B": a valid environment variable name`]],
    ['volume mount of a missing volume', { containers: [{ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }, [`${C}.volumeMounts[0].name: Not found: "data"`]],
    ['regular container restartPolicy', { containers: [{ ...container, restartPolicy: 'Always' }] }, [`${C}.restartPolicy: Forbidden: may not be set for non-init containers`]],
    ['init container restartPolicy', { initContainers: [{ name: 'i', image: 'x', restartPolicy: 'OnFailure' }] }, ['spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['probe on a plain init container', { initContainers: [{ name: 'i', image: 'x', livenessProbe: { exec: { command: ['x'] } } }] }, ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']],
    ['sidecar probes are validated', { initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always', livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 } }] }, ['spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['duplicate names across init and regular', { initContainers: [{ name: 'web', image: 'x' }] }, ['spec.initContainers[0].name: Duplicate value: "web"']],
    ['active deadline', { activeDeadlineSeconds: 0 }, ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    ['grace period', { terminationGracePeriodSeconds: -5 }, ['spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0']],
    ['hostname and subdomain', { hostname: 'a.b', subdomain: 'Sub' }, ['spec.hostname: Invalid value: "a.b": must not contain dots', 'spec.subdomain: Invalid value: "Sub": a lowercase RFC 1123 label']],
    ['node name', { nodeName: 'Node_1' }, ['spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain']],
    ['service account name', { serviceAccountName: 'SA' }, ['spec.serviceAccountName: Invalid value: "SA": a lowercase RFC 1123 subdomain']],
    ['node selector', { nodeSelector: { disk: 'fast ssd' } }, ['spec.nodeSelector: Invalid value: "fast ssd": a valid label must be']],
    ['tolerations', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, ["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]],
    ['dns config', { dnsPolicy: 'None', dnsConfig: { nameservers: ['8.8.8.8', 'dns.example'], searches: ['Bad_Domain'], options: [{ value: '1' }] } }, [
      'spec.dnsConfig.nameservers[1]: Invalid value: "dns.example": must be a valid IP address',
      'spec.dnsConfig.searches[0]: Invalid value: "Bad_Domain": a lowercase RFC 1123 subdomain',
      'spec.dnsConfig.options[0]: Required value: must not be empty',
    ]],
    ['dnsPolicy None needs nameservers', { dnsPolicy: 'None', dnsConfig: {} }, ['spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None']],
    ['dnsPolicy defaults to ClusterFirst', { dnsConfig: { searches: ['trailing.dot.'] } }, []],
    ['dnsPolicy must be one of four', { dnsPolicy: 'Bogus' }, ['spec.dnsPolicy: Unsupported value: "Bogus": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['dnsPolicy None needs dnsConfig', { dnsPolicy: 'None' }, ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['dnsConfig limits', { dnsConfig: { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'], searches: Array.from({ length: 33 }, (_, i) => `s${i}.example`) } }, [
      'spec.dnsConfig.nameservers: Invalid value: ["1.1.1.1","1.1.1.2","1.1.1.3","1.1.1.4"]: must not have more than 3 nameservers',
      'spec.dnsConfig.searches: Invalid value: ["s0.example",',
    ]],
    ['dnsConfig search line length', { dnsConfig: { searches: Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(61)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(60)}`) } }, [
      'spec.dnsConfig.searches: Invalid value: ["axxx',
    ]],
    ['hostname longer than a label', { hostname: 'h'.repeat(64) }, [`spec.hostname: Invalid value: "${'h'.repeat(64)}": must be no more than 63 characters`]],
    ['host aliases', { hostAliases: [{ ip: '999.1.1.1', hostnames: ['ok.local'] }] }, ['spec.hostAliases[0].ip: Invalid value: "999.1.1.1": must be a valid IP address']],
    ['readiness gates', { readinessGates: [{ conditionType: 'a/b/c' }] }, ['spec.readinessGates[0].conditionType: Invalid value: "a/b/c": a qualified name']],
    ['os', { os: { name: 'plan9' } }, ['spec.os.name: Unsupported value: "plan9": supported values: "linux", "windows"']],
    ['security context ids', { securityContext: { runAsUser: -1 }, containers: [{ ...container, securityContext: { runAsGroup: 4294967296 } }] }, [
      `${C}.securityContext.runAsGroup: Invalid value: 4294967296: must be between 0 and 4294967295, inclusive`,
      'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive',
    ]],
    ['affinity', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }, ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term']],
  ];
  for (const [name, spec, want] of cases) it(name, () => expectStarts(msgs(pods.validate!(pod(spec))), want));

  it('validates pod templates inside workloads with upstream paths', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web', 'bad key!': 'x' } }, spec: { containers: [{ name: 'web', image: ' x', resources: { requests: { cpu: 'abc' } } }] } },
      },
    } as unknown as KObject;
    deployments.defaults!(d);
    expectStarts(msgs(deployments.validate!(d)), [
      'spec.template.labels: Invalid value: "bad key!": name part must consist',
      'spec.template.spec.containers[0].image: Invalid value: " x": invalid reference format',
      `spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "abc": ${QRE}`,
    ]);
  });

  const statuses: [string, Record<string, unknown>, string[]][] = [
    ['kubelet status', { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }], hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }] }, []],
    ['pod IP (v1 podIP is the first of podIPs)', { podIP: '10.244.0.300' }, ['status.podIPs[0]: Invalid value: "10.244.0.300": must be a valid IP address']],
    ['host IP', { hostIP: 'node-a' }, ['status.hostIPs[0]: Invalid value: "node-a": must be a valid IP address']],
    ['two IPs of one family', { podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }, ['status.podIPs: Invalid value: [{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]: may specify no more than one IP for each IP family']],
    ['nominated node', { nominatedNodeName: 'Node_1' }, ['status.nominatedNodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain']],
    ['custom condition type (upstream path)', { conditions: [{ type: 'a b', status: 'True' }] }, ['metadata.conditions[0].Type: Invalid value: "a b": name part must consist']],
    ['container status quantities', { containerStatuses: [{ name: 'web', allocatedResources: { cpu: 'x' } }] }, [`status.containerStatuses[0].allocatedResources[cpu]: Invalid value: "x": ${QRE}`]],
  ];
  for (const [name, st, want] of statuses) it(`status: ${name}`, () => expectStarts(msgs(validatePodStatus(st)), want));
});
