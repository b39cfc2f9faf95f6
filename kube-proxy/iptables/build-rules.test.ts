import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Endpoints, Service } from '../../lib/api/types';
import { repoRoot } from '../../lib/repo-root';
import { buildRules, countRules, probability } from './build-rules';
import { endpointChainName, serviceChainName } from './chain-names';

// Golden files are test fixtures (test/fixtures/kube-proxy/iptables); the sources' copy is the one
// compared and rewritten, whether the test runs from dist/ or from the sources.
function goldenPath(name: string): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'iptables', name);
}

function checkGolden(name: string, actual: string): void {
  const file = goldenPath(name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: ns, name },
  spec,
});

const services: Service[] = [
  svc('default', 'web', {
    type: 'NodePort',
    clusterIP: '10.96.12.34',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: 30080 }],
  }),
  svc('kube-system', 'kube-dns', {
    type: 'ClusterIP',
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
    ],
  }),
  svc('default', 'empty', {
    type: 'NodePort',
    clusterIP: '10.96.0.99',
    ports: [{ protocol: 'TCP', port: 443, targetPort: 8443, nodePort: 30443 }],
  }),
  svc('default', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
  svc('default', 'external', { type: 'ExternalName', externalName: 'example.invalid' }),
];

const endpoints: Endpoints[] = [
  {
    metadata: { namespace: 'default', name: 'web' },
    subsets: [
      {
        addresses: [{ ip: '10.244.1.12' }, { ip: '10.244.0.7' }, { ip: '10.244.2.3' }],
        notReadyAddresses: [{ ip: '10.244.0.8' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ],
  },
  {
    metadata: { namespace: 'kube-system', name: 'kube-dns' },
    subsets: [
      {
        addresses: [{ ip: '10.244.0.2' }],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    ],
  },
  { metadata: { namespace: 'default', name: 'empty' }, subsets: [] },
];

const webChain = serviceChainName('default/web:http', 'TCP');
const staleSvc = serviceChainName('default/gone:http', 'TCP');
const staleSep = endpointChainName('default/gone:http', 'TCP', '10.244.0.50:80');

describe('kube-proxy buildRules', () => {
  it('renders the golden payload for a mixed cluster', () => {
    const payload = buildRules({
      services,
      endpoints,
      nodeIPs: ['192.168.1.10'],
      clusterCIDR: '10.244.0.0/16',
      existingChains: ['PREROUTING', 'KUBE-SERVICES', webChain, staleSvc, staleSep, 'DOCKER', 'KUBE-FIREWALL'],
    });
    checkGolden('mixed.golden', payload);
  });

  it('renders the golden payload for an empty cluster', () => {
    checkGolden('empty.golden', buildRules({ services: [], endpoints: [], nodeIPs: [], clusterCIDR: '10.244.0.0/16' }));
  });

  it('is independent of input order', () => {
    const a = buildRules({ services, endpoints, nodeIPs: [], clusterCIDR: '10.244.0.0/16' });
    const b = buildRules({
      services: [...services].reverse(),
      endpoints: [...endpoints].reverse(),
      nodeIPs: [],
      clusterCIDR: '10.244.0.0/16',
    });
    assert.equal(a, b);
  });

  it('deletes only stale hashed chains, never foreign ones', () => {
    const payload = buildRules({
      services,
      endpoints,
      nodeIPs: [],
      clusterCIDR: '10.244.0.0/16',
      existingChains: [webChain, staleSvc, staleSep, 'DOCKER', 'KUBE-FIREWALL'],
    });
    const deleted = payload.split('\n').filter((l) => l.startsWith('-X '));
    assert.deepEqual(deleted, [`-X ${staleSep}`, `-X ${staleSvc}`].sort());
    assert.ok(!payload.includes('DOCKER'));
    assert.ok(!payload.includes('KUBE-FIREWALL'));
  });

  it('never names a built-in chain', () => {
    const payload = buildRules({ services, endpoints, nodeIPs: [], clusterCIDR: '10.244.0.0/16' });
    for (const builtin of ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT', 'FORWARD']) {
      assert.ok(!new RegExp(`(^|[: ])${builtin}( |$)`, 'm').test(payload), builtin);
    }
  });

  it('keeps the node-port jump as the last KUBE-SERVICES rule in nat', () => {
    const payload = buildRules({ services, endpoints, nodeIPs: [], clusterCIDR: '10.244.0.0/16' });
    const nat = payload.slice(payload.indexOf('*nat'));
    const svcRules = nat.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES '));
    assert.match(svcRules[svcRules.length - 1], /--dst-type LOCAL -j KUBE-NODEPORTS$/);
  });

  it('counts rules per table', () => {
    assert.deepEqual(countRules('*filter\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT\n*nat\n-A Y -j RETURN\n-A Y -j RETURN\nCOMMIT\n'), {
      filter: 1,
      nat: 2,
    });
  });

  it('names chains exactly like Kubernetes does', () => {
    // Values from Kubernetes' own proxier tests for service port "ns1/svc1:p80" and 10.180.0.1:80.
    assert.equal(serviceChainName('ns1/svc1:p80', 'TCP'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
    assert.equal(endpointChainName('ns1/svc1:p80', 'TCP', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  const cases: [number, string][] = [
    [1, '1.0000000000'],
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [7, '0.1428571429'],
  ];
  for (const [n, want] of cases) {
    it(`formats probability 1/${n} as ${want}`, () => assert.equal(probability(n), want));
  }

  it('leaves out service ports and endpoints that cannot be written into the payload, and programs the rest', () => {
    const poison = (name: string, port: Record<string, unknown>) => svc('default', name, { type: 'NodePort', clusterIP: '10.96.0.77', ports: [port as never] });
    const bad: Service[] = [
      poison('quote', { name: 'a"b', port: 80 }),
      poison('newline', { name: 'x', port: '80\n-A INPUT -j DROP' }),
      poison('big', { port: 70000 }),
      poison('nodeport', { port: 80, nodePort: -1 }),
      { ...svc('default', 'Bad Name', { clusterIP: '10.96.0.78', ports: [{ port: 80 }] }) },
      svc('default', 'not-a-port', { clusterIP: '10.96.0.79', ports: ['80' as never] }),
    ];
    const skipped: string[] = [];
    const withPoison = buildRules({ services: [...services, ...bad], endpoints, nodeIPs: ['10.0.0.1'], clusterCIDR: '10.244.0.0/16', skipped });
    assert.equal(withPoison, buildRules({ services, endpoints, nodeIPs: ['10.0.0.1'], clusterCIDR: '10.244.0.0/16' }), 'the same rules as without the poison');
    assert.deepEqual(skipped, [
      'default/quote: port name "a\\"b" is not a DNS label',
      'default/newline: port "80\\n-A INPUT -j DROP" is not a port number',
      'default/big: port 70000 is not a port number',
      'default/nodeport: nodePort -1 is not a port number',
      'default/Bad Name: namespace or name is not a DNS name',
      'default/not-a-port: port is not an object',
    ]);
    // An endpoint port that is no number: the Service is programmed without that endpoint.
    const api = svc('default', 'api', { clusterIP: '10.96.0.80', ports: [{ name: 'http', port: 80 }] });
    const apiEndpoints: Endpoints = { metadata: { namespace: 'default', name: 'api' }, subsets: [{ addresses: [{ ip: '10.244.9.9' }], ports: [{ name: 'http', port: 'x' as never, protocol: 'TCP' }] }] };
    const rules = buildRules({ services: [api], endpoints: [apiEndpoints], nodeIPs: ['10.0.0.1'], clusterCIDR: '10.244.0.0/16' });
    assert.ok(!rules.includes('10.244.9.9'), rules);
    assert.match(rules, /"default\/api:http has no endpoints" -d 10\.96\.0\.80\/32/);
  });
});
