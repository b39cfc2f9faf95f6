import assert from 'node:assert/strict';
import { claimedIngresses, defaultClass } from './claims';
import { readyEndpoints } from './backends';
import { route } from './route';
import { buildRouteTable, type RouteInputs } from './route-table';
import { CONTROLLER, ingress, ingressClass, path, service, slice, svcBackend } from './test-fixtures';

const classes = [ingressClass('k8ts'), ingressClass('nginx', 'k8s.io/ingress-nginx')];

describe('ingress claims', () => {
  const ings = [
    ingress('ours', { className: 'k8ts', defaultBackend: svcBackend('a', 80) }),
    ingress('theirs', { className: 'nginx', defaultBackend: svcBackend('a', 80) }),
    ingress('classless', { defaultBackend: svcBackend('a', 80) }),
    ingress('unknown-class', { className: 'gone', defaultBackend: svcBackend('a', 80) }),
  ];
  const names = (cs = classes) => claimedIngresses(ings, cs, CONTROLLER).map((i) => i.metadata.name);

  it('claims Ingresses of its classes only', () => assert.deepEqual(names(), ['ours']));
  it('claims class-less Ingresses when its class is the default', () =>
    assert.deepEqual(names([ingressClass('k8ts', CONTROLLER, true), classes[1]]), ['classless', 'ours']));
  it('leaves class-less Ingresses alone when another controller has the default class', () =>
    assert.deepEqual(names([classes[0], ingressClass('nginx', 'k8s.io/ingress-nginx', true)]), ['ours']));
  it('takes the newest of several default classes', () => {
    const older = ingressClass('k8ts', CONTROLLER, true, '2026-01-01T00:00:00Z');
    const newer = ingressClass('nginx', 'k8s.io/ingress-nginx', true, '2026-02-01T00:00:00Z');
    assert.equal(defaultClass([older, newer])?.metadata.name, 'nginx');
    assert.deepEqual(names([older, newer]), ['ours']);
  });
  it('claims a class-less Ingress by the deprecated annotation naming its class, never through the default', () => {
    const annotated = (value: string) => ({ ...ings[2], metadata: { ...ings[2].metadata, name: `annotated-${value}`, annotations: { 'kubernetes.io/ingress.class': value } } });
    const defaultOurs = [ingressClass('k8ts', CONTROLLER, true), classes[1]];
    assert.deepEqual(claimedIngresses([annotated('k8ts'), annotated('nginx'), annotated('gone')], defaultOurs, CONTROLLER).map((i) => i.metadata.name), ['annotated-k8ts']);
  });
  it('skips Ingresses being deleted', () => {
    const gone = { ...ings[0], metadata: { ...ings[0].metadata, deletionTimestamp: '2026-03-01T00:00:00Z' } };
    assert.deepEqual(claimedIngresses([gone], classes, CONTROLLER), []);
  });
});

describe('ready endpoints from EndpointSlices', () => {
  it('takes ready and unknown-ready endpoints of the named port, de-duplicated and sorted', () => {
    const slices = [
      slice('a', 'a-1', [{ ip: '10.0.0.2', ready: true }, { ip: '10.0.0.9', ready: false }, { ip: '10.0.0.1', ready: null }], [{ name: 'http', port: 8080 }, { name: 'admin', port: 9000 }]),
      slice('a', 'a-2', [{ ip: '10.0.0.2' }, { ip: '10.0.0.3' }], [{ name: 'http', port: 8080 }]),
      { ...slice('a', 'a-fqdn', [{ ip: 'db.example.com' }], [{ name: 'http', port: 8080 }]), addressType: 'FQDN' as const },
    ];
    assert.deepEqual(readyEndpoints(slices, 'http'), [
      { address: '10.0.0.1', port: 8080 },
      { address: '10.0.0.2', port: 8080 },
      { address: '10.0.0.3', port: 8080 },
    ]);
    assert.deepEqual(readyEndpoints(slices, 'admin'), [{ address: '10.0.0.1', port: 9000 }, { address: '10.0.0.2', port: 9000 }]);
    assert.deepEqual(readyEndpoints(slices, ''), []);
  });
});

describe('route table and routing', () => {
  const inputs: RouteInputs = {
    classes,
    ingresses: [
      ingress(
        'site',
        {
          className: 'k8ts',
          defaultBackend: svcBackend('fallback', 80),
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [
                  path('/', 'Prefix', svcBackend('front', 'http')),
                  path('/api', 'Prefix', svcBackend('api', 8080)),
                  path('/api', 'Exact', svcBackend('api-root', 80)),
                  path('/static', 'ImplementationSpecific', svcBackend('static', 80)),
                ],
              },
            },
            { host: '*.example.com', http: { paths: [path('/', 'Prefix', svcBackend('wild', 80))] } },
            { http: { paths: [path('/health', 'Exact', svcBackend('health', 80))] } },
          ],
        },
        '2026-01-02T00:00:00Z',
      ),
      ingress(
        'late',
        {
          className: 'k8ts',
          defaultBackend: svcBackend('other-fallback', 80),
          rules: [{ host: 'shop.example.com', http: { paths: [path('/api', 'Prefix', svcBackend('stolen', 80)), path('/cart', 'Prefix', svcBackend('cart', 80))] } }],
        },
        '2026-01-03T00:00:00Z',
      ),
      ingress('foreign', { className: 'nginx', rules: [{ host: 'other.example.org', http: { paths: [path('/', 'Prefix', svcBackend('front', 'http'))] } }] }),
    ],
    services: [
      service('front', [{ name: 'http', port: 80 }]),
      service('api', [{ name: 'web', port: 8080 }]),
      service('api-root', [{ port: 80 }]),
      service('static', [{ port: 80 }]),
      service('wild', [{ port: 80 }]),
      service('health', [{ port: 80 }]),
      service('fallback', [{ port: 80 }]),
      service('cart', [{ port: 80 }]),
      service('external', [{ port: 80 }], 'web', 'ExternalName'),
    ],
    slices: [
      slice('front', 'front-a', [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], [{ name: 'http', port: 8000 }]),
      slice('api', 'api-a', [{ ip: '10.2.0.1' }], [{ name: 'web', port: 9000 }]),
      slice('api-root', 'api-root-a', [{ ip: '10.3.0.1' }], [{ port: 81 }]),
      slice('static', 'static-a', [{ ip: '10.4.0.1' }], [{ port: 82 }]),
      slice('wild', 'wild-a', [{ ip: '10.5.0.1' }], [{ port: 83 }]),
      slice('health', 'health-a', [{ ip: '10.6.0.1' }], [{ port: 84 }]),
      slice('fallback', 'fallback-a', [{ ip: '10.7.0.1' }], [{ port: 85 }]),
      slice('cart', 'cart-a', [{ ip: '10.8.0.1', ready: false }], [{ port: 86 }]),
    ],
    secrets: [],
  };
  const table = buildRouteTable(inputs, CONTROLLER);

  it('merges the claimed Ingresses, oldest first, and lists what it overrode', () => {
    assert.deepEqual(table.ingresses, ['web/site', 'web/late']);
    assert.deepEqual(
      Object.fromEntries(Object.entries(table.hosts).map(([h, ps]) => [h, ps.map((p) => `${p.type} ${p.path} → ${p.backend.key} [${p.ingress}]`)])),
      {
        'shop.example.com': [
          'Prefix /static → web/static:80 [web/site]',
          'Prefix /cart → web/cart:80 [web/late]',
          'Exact /api → web/api-root:80 [web/site]',
          'Prefix /api → web/api:8080 [web/site]',
          'Prefix / → web/front:http [web/site]',
        ],
        '*.example.com': ['Prefix / → web/wild:80 [web/site]'],
        '': ['Exact /health → web/health:80 [web/site]'],
      },
    );
    assert.deepEqual(table.defaultBackend?.ingress, 'web/site');
    assert.deepEqual(table.problems, [
      { ingress: 'web/late', message: 'defaultBackend ignored: web/site (older) defines the default backend' },
      { ingress: 'web/late', message: 'shop.example.com Prefix /api ignored: web/site (older) routes it' },
    ]);
  });

  const cases: [host: string | undefined, path: string, want: string][] = [
    ['shop.example.com', '/', 'web/front:http 10.1.0.1:8000,10.1.0.2:8000 via shop.example.com Prefix /'],
    ['SHOP.example.com:80', '/index.html', 'web/front:http 10.1.0.1:8000,10.1.0.2:8000 via shop.example.com Prefix /'],
    ['shop.example.com', '/api', 'web/api-root:80 10.3.0.1:81 via shop.example.com Exact /api'],
    ['shop.example.com', '/api/', 'web/api:8080 10.2.0.1:9000 via shop.example.com Prefix /api'],
    ['shop.example.com', '/api/v1/items', 'web/api:8080 10.2.0.1:9000 via shop.example.com Prefix /api'],
    ['shop.example.com', '/apiary', 'web/front:http 10.1.0.1:8000,10.1.0.2:8000 via shop.example.com Prefix /'],
    ['shop.example.com', '/static/app.js', 'web/static:80 10.4.0.1:82 via shop.example.com Prefix /static'],
    ['shop.example.com', '/cart', 'web/cart:80 (no ready endpoints) via shop.example.com Prefix /cart'],
    ['blog.example.com', '/anything', 'web/wild:80 10.5.0.1:83 via *.example.com Prefix /'],
    ['a.blog.example.com', '/health', 'web/health:80 10.6.0.1:84 via * Exact /health'],
    ['a.blog.example.com', '/anything', 'web/fallback:80 10.7.0.1:85 via defaultBackend'],
    [undefined, '/health', 'web/health:80 10.6.0.1:84 via * Exact /health'],
    ['10.0.0.1', '/health/', 'web/fallback:80 10.7.0.1:85 via defaultBackend'],
    ['other.example.org', '/', 'web/fallback:80 10.7.0.1:85 via defaultBackend'],
  ];
  for (const [host, p, want] of cases) {
    it(`${host ?? '(no host)'} ${p} → ${want}`, () => {
      const r = route(table, host, p);
      assert.equal(r.kind, 'backend');
      if (r.kind !== 'backend') return;
      const eps = r.backend.endpoints.map((e) => `${e.address}:${e.port}`).join(',') || `(${r.backend.problem})`;
      assert.equal(`${r.backend.key} ${eps} via ${r.rule}`, want);
    });
  }

  it('answers not-found without a matching rule or default backend', () => {
    const t = buildRouteTable({ ...inputs, ingresses: [ingress('only', { className: 'k8ts', rules: [{ host: 'a.example.com', http: { paths: [path('/x', 'Exact', svcBackend('front', 80))] } }] })] }, CONTROLLER);
    assert.deepEqual(route(t, 'a.example.com', '/x/'), { kind: 'not-found' });
    assert.deepEqual(route(t, 'b.example.com', '/x'), { kind: 'not-found' });
    assert.equal(route(t, 'a.example.com', '/x').kind, 'backend');
  });

  it('resolves unusable backends to no endpoints with the reason', () => {
    const t = buildRouteTable(
      {
        ...inputs,
        ingresses: [
          ingress('bad', {
            className: 'k8ts',
            rules: [
              {
                host: 'b.example.com',
                http: {
                  paths: [
                    path('/missing', 'Prefix', svcBackend('nope', 80)),
                    path('/port', 'Prefix', svcBackend('front', 81)),
                    path('/portname', 'Prefix', svcBackend('front', 'grpc')),
                    path('/external', 'Prefix', svcBackend('external', 80)),
                    path('/resource', 'Prefix', { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'b' } }),
                    path('/weird', 'Regex', svcBackend('front', 80)),
                  ],
                },
              },
            ],
          }),
        ],
      },
      CONTROLLER,
    );
    const problem = (p: string) => {
      const r = route(t, 'b.example.com', p);
      return r.kind === 'backend' ? r.backend.problem : r.kind;
    };
    assert.equal(problem('/missing'), 'service web/nope not found');
    assert.equal(problem('/port'), 'service web/front has no port 81');
    assert.equal(problem('/portname'), 'service web/front has no port grpc');
    assert.equal(problem('/external'), 'service web/external is of type ExternalName, which is not supported');
    assert.equal(problem('/resource'), 'resource backends (Bucket) are not supported');
    assert.equal(problem('/weird'), 'not-found');
    assert.deepEqual(t.problems.map((p) => p.message), ['path "/weird" skipped: pathType "Regex" or backend unusable']);
  });

  it('survives Ingresses with missing or null fields', () => {
    const broken = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'empty', namespace: 'web' }, spec: { ingressClassName: 'k8ts' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'nulls', namespace: 'web' }, spec: { ingressClassName: 'k8ts', rules: [{ host: 'x.example.com', http: null }, { http: { paths: null } }], tls: null } },
    ];
    const t = buildRouteTable({ ...inputs, ingresses: broken }, CONTROLLER);
    assert.deepEqual([t.ingresses, t.hosts, t.tls, t.problems], [['web/empty', 'web/nulls'], {}, {}, []]);
  });
});
