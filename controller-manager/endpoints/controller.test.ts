import assert from 'node:assert/strict';
import type { Endpoints, Node, Pod, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod } from '../../test/fixtures/controller-manager/objects';
import { mkNode } from '../../test/fixtures/controller-manager/daemon-sets';
import { HEADLESS_LABEL } from './compute';
import { EndpointsController } from './controller';
import type { EndpointSlice } from './slices';

const headless = (spec: Partial<Service['spec']> = {}): Service => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 8080 }], ...spec },
});

/** web-0 of a StatefulSet governed by Service `web`, on node-1, ready unless told. */
function member(ready = true): Pod {
  const p = mkPod('web-0', ready ? 'ready' : 'notready', { ip: '10.244.0.2' });
  p.spec.hostname = 'web-0';
  p.spec.subdomain = 'web';
  return p;
}

const deleting = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:01:00Z' } });

interface Case {
  name: string;
  svc: Service;
  pods: Pod[];
  nodes?: Node[];
  /** An Endpoints already stored (an older controller's), to be brought up to date. */
  existing?: Endpoints;
  /** [pod, hostname] of Endpoints addresses / notReadyAddresses; undefined: no Endpoints at all. */
  endpoints?: { ready: [string, string | undefined][]; notReady: [string, string | undefined][]; labels: Record<string, string> };
  /** The slice endpoints; undefined: no slices. */
  slice?: { pod: string; hostname?: string; zone?: string; ready: boolean; serving: boolean; terminating: boolean }[];
}

const cases: Case[] = [
  {
    name: 'a StatefulSet pod behind its headless Service: hostname in both kinds, headless label',
    svc: headless(), pods: [member()],
    endpoints: { ready: [['web-0', 'web-0']], notReady: [], labels: { app: 'web', [HEADLESS_LABEL]: '' } },
    slice: [{ pod: 'web-0', hostname: 'web-0', ready: true, serving: true, terminating: false }],
  },
  {
    name: 'publishNotReadyAddresses: a not-ready member is an address and a ready slice endpoint',
    svc: headless({ publishNotReadyAddresses: true }), pods: [member(false)],
    endpoints: { ready: [['web-0', 'web-0']], notReady: [], labels: { app: 'web', [HEADLESS_LABEL]: '' } },
    slice: [{ pod: 'web-0', hostname: 'web-0', ready: true, serving: false, terminating: false }],
  },
  {
    name: 'a terminating pod: gone from the Endpoints, kept in the slice as terminating',
    svc: headless(), pods: [deleting(member())],
    endpoints: { ready: [], notReady: [], labels: { app: 'web', [HEADLESS_LABEL]: '' } },
    slice: [{ pod: 'web-0', hostname: 'web-0', ready: false, serving: true, terminating: true }],
  },
  {
    // The hostname rule does not ask for a headless Service (upstream neither).
    name: 'a Service with a cluster IP: no headless label, hostname still set; the node\'s zone on the slice endpoint',
    svc: headless({ clusterIP: '10.96.0.20' }), pods: [member()], nodes: [mkNode('node-1', { labels: { 'topology.kubernetes.io/zone': 'zone-a' } })],
    endpoints: { ready: [['web-0', 'web-0']], notReady: [], labels: { app: 'web' } },
    slice: [{ pod: 'web-0', hostname: 'web-0', zone: 'zone-a', ready: true, serving: true, terminating: false }],
  },
  {
    name: 'an Endpoints written without hostnames and labels is brought up to date',
    svc: headless(), pods: [member()],
    existing: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, subsets: [{ addresses: [{ ip: '10.244.0.2' }], ports: [{ port: 8080, protocol: 'TCP' }] }] },
    endpoints: { ready: [['web-0', 'web-0']], notReady: [], labels: { app: 'web', [HEADLESS_LABEL]: '' } },
    slice: [{ pod: 'web-0', hostname: 'web-0', ready: true, serving: true, terminating: false }],
  },
  {
    name: 'an ExternalName Service gets neither, even with a selector',
    svc: headless({ type: 'ExternalName', externalName: 'example.org', clusterIP: undefined }), pods: [member()],
  },
];

describe('endpoints controller reconcile (fake apiserver)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const client = new FakeApiClient();
      client.seed(Resources.services, c.svc);
      for (const p of c.pods) client.seed(Resources.pods, p);
      for (const n of c.nodes ?? []) client.seed(Resources.nodes, n);
      if (c.existing) client.seed(Resources.endpoints, c.existing);
      const infs = [
        new Informer<Service>(client, Resources.services),
        new Informer<Pod>(client, Resources.pods),
        new Informer<Endpoints>(client, Resources.endpoints),
        new Informer<Node>(client, Resources.nodes),
      ] as const;
      await Promise.all(infs.map((i) => i.start()));
      try {
        await new EndpointsController(client, infs[0], infs[1], infs[2], infs[3]).reconcile('default/web');
      } finally {
        for (const i of infs) i.stop();
      }

      const ep = client.peek<Endpoints>(Resources.endpoints, 'default', 'web');
      if (!c.endpoints) assert.equal(ep, undefined);
      else {
        const names = (field: 'addresses' | 'notReadyAddresses') => (ep!.subsets ?? []).flatMap((s) => s[field] ?? []).map((a) => [a.targetRef?.name, a.hostname]);
        assert.deepEqual(names('addresses'), c.endpoints.ready);
        assert.deepEqual(names('notReadyAddresses'), c.endpoints.notReady);
        assert.deepEqual(ep!.metadata.labels, c.endpoints.labels);
      }
      const slices = client.all<EndpointSlice>(Resources.endpointslices, 'default');
      if (!c.slice) assert.deepEqual(slices, []);
      else {
        assert.equal(slices.length, 1);
        assert.deepEqual(
          slices[0].endpoints.map((e) => ({ pod: e.targetRef!.name, ...(e.hostname ? { hostname: e.hostname } : {}), ...(e.zone ? { zone: e.zone } : {}), ...e.conditions })),
          c.slice,
        );
      }
    });
  }
});

describe('endpoints controller and a Service the cache has not seen yet', () => {
  const manual: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
  /** A Services cache that has not caught up: it knows no Service. */
  const behind = { get: () => undefined, list: () => [] } as unknown as Informer<Service>;

  for (const [title, serviceExists, kept] of [
    ['keeps the Endpoints while the apiserver still has the Service', true, true],
    ['deletes the Endpoints of a Service the apiserver does not have either', false, false],
  ] as const) {
    it(title, async () => {
      const client = new FakeApiClient();
      if (serviceExists) client.seed(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ port: 80 }] } } as Service);
      client.seed(Resources.endpoints, manual);
      const endpoints = new Informer<Endpoints>(client, Resources.endpoints);
      const pods = new Informer<Pod>(client, Resources.pods);
      await Promise.all([endpoints.start(), pods.start()]);
      try {
        await new EndpointsController(client, behind, pods, endpoints).reconcile('default/ext');
      } finally {
        endpoints.stop();
        pods.stop();
      }
      assert.equal(client.peek<Endpoints>(Resources.endpoints, 'default', 'ext') !== undefined, kept);
    });
  }
});
