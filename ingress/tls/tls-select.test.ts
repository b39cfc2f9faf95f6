// TLS Secrets checked, the TLS part of the route table, SNI selection and the secure-context
// cache. Certificates are real (lib/pki through openssl) in a temp dir removed afterwards.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCa, ensureServingCert } from '../../lib/pki';
import { componentLogger } from '../../lib/log';
import { selectCertificate } from '../routes/route';
import { buildRouteTable, type RouteInputs } from '../routes/route-table';
import { CONTROLLER, ingress, ingressClass, path as ipath, svcBackend, tlsSecret } from '../routes/test-fixtures';
import { SecureContexts } from './secure-contexts';
import { tlsCertificateOf } from './tls-secret';

describe('ingress TLS', function () {
  this.timeout(60_000);
  let dir = '';
  let shop: { cert: string; key: string };
  let wild: { cert: string; key: string };
  let other: { cert: string; key: string };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ingress-tls-test-'));
    const ca = await ensureCa(dir);
    shop = await ensureServingCert(dir, ca, 'shop', 'shop.example.com', ['shop.example.com']);
    wild = await ensureServingCert(dir, ca, 'wild', '*.example.com', ['*.example.com']);
    other = await ensureServingCert(dir, ca, 'other', 'other', ['other.example.org']);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('tls Secrets', () => {
    it('accepts a matching pair and names its SANs', () => {
      const r = tlsCertificateOf(tlsSecret('shop-tls', shop.cert, shop.key));
      assert.ok(r.ok);
      if (r.ok) assert.deepEqual([r.certificate.secret, r.certificate.version, r.certificate.names], ['web/shop-tls', '7', ['shop.example.com']]);
    });
    const bad: [string, () => ReturnType<typeof tlsSecret>, RegExp][] = [
      ['wrong type', () => tlsSecret('s', shop.cert, shop.key, 'web', '1', 'Opaque'), /^secret web\/s: type is "Opaque", not kubernetes.io\/tls$/],
      ['missing key', () => ({ ...tlsSecret('s', shop.cert, shop.key), data: { 'tls.crt': Buffer.from(shop.cert).toString('base64') } }), /tls.key is missing or empty/],
      ['no data', () => ({ ...tlsSecret('s', shop.cert, shop.key), data: null }), /tls.crt is missing or empty/],
      ['garbage certificate', () => tlsSecret('s', 'not a cert', shop.key), /tls.crt is not a PEM certificate/],
      ['garbage key', () => tlsSecret('s', shop.cert, 'not a key'), /tls.key is not a PEM private key/],
      ['key of another certificate', () => tlsSecret('s', shop.cert, wild.key), /tls.key does not belong to the certificate in tls.crt/],
    ];
    for (const [name, secret, want] of bad) {
      it(`refuses ${name}`, () => {
        const r = tlsCertificateOf(secret());
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.problem, want);
      });
    }
  });

  function inputs(secrets = [tlsSecret('shop-tls', shop.cert, shop.key), tlsSecret('wild-tls', wild.cert, wild.key), tlsSecret('other-tls', other.cert, other.key), tlsSecret('broken', shop.cert, wild.key)]): RouteInputs {
    const rules = [{ host: 'shop.example.com', http: { paths: [ipath('/', 'Prefix', svcBackend('front', 80))] } }];
    return {
      classes: [ingressClass('k8ts')],
      ingresses: [
        ingress('a', { className: 'k8ts', rules, tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }, { hosts: ['*.example.com'], secretName: 'wild-tls' }] }, '2026-01-01T00:00:00Z'),
        ingress('b', { className: 'k8ts', tls: [{ hosts: ['shop.example.com', 'b.example.net'], secretName: 'other-tls' }, { secretName: 'other-tls' }] }, '2026-01-02T00:00:00Z'),
        ingress('c', { className: 'k8ts', tls: [{ hosts: ['bad.example.net'], secretName: 'broken' }, { hosts: ['gone.example.net'], secretName: 'missing' }] }, '2026-01-03T00:00:00Z'),
      ],
      services: [],
      slices: [],
      secrets,
    };
  }

  it('maps TLS hosts to Secrets, oldest Ingress first, and skips bad Secrets', () => {
    const t = buildRouteTable(inputs(), CONTROLLER);
    assert.deepEqual(t.tls, { 'shop.example.com': 'web/shop-tls', '*.example.com': 'web/wild-tls', 'b.example.net': 'web/other-tls', '': 'web/other-tls' });
    assert.deepEqual(Object.keys(t.certificates).sort(), ['web/other-tls', 'web/shop-tls', 'web/wild-tls']);
    assert.deepEqual(t.problems, [
      { ingress: 'web/b', message: 'TLS for shop.example.com ignored: an older Ingress names web/shop-tls' },
      { ingress: 'web/c', message: 'secret web/broken: tls.key does not belong to the certificate in tls.crt; the default certificate is served for bad.example.net' },
      { ingress: 'web/c', message: 'secret web/missing not found; the default certificate is served for gone.example.net' },
    ]);
  });

  it('selects by SNI: exact, wildcard, the host-less entry, else the default', () => {
    const t = buildRouteTable(inputs(), CONTROLLER);
    const cases: [string | undefined, string | undefined][] = [
      ['shop.example.com', 'web/shop-tls'],
      ['SHOP.EXAMPLE.COM', 'web/shop-tls'],
      ['blog.example.com', 'web/wild-tls'],
      ['b.example.net', 'web/other-tls'],
      ['bad.example.net', 'web/other-tls'],
      [undefined, 'web/other-tls'],
    ];
    for (const [sni, want] of cases) assert.equal(selectCertificate(t, sni), want, String(sni));
    const noDefault = buildRouteTable({ ...inputs(), ingresses: inputs().ingresses.slice(0, 1) }, CONTROLLER);
    assert.equal(selectCertificate(noDefault, 'x.example.org'), undefined);
    assert.equal(selectCertificate(noDefault, undefined), undefined);
  });

  it('builds one secure context per Secret version and drops unreferenced ones', () => {
    const contexts = new SecureContexts({ cert: other.cert, key: other.key }, componentLogger('ingress-test'));
    const t1 = buildRouteTable({ ...inputs(), ingresses: inputs().ingresses.slice(0, 1) }, CONTROLLER);
    assert.equal(contexts.forServername('shop.example.com'), contexts.defaultContext, 'before any table');
    contexts.update(t1);
    const shopCtx = contexts.forServername('shop.example.com');
    assert.notEqual(shopCtx, contexts.defaultContext);
    assert.notEqual(contexts.forServername('blog.example.com'), shopCtx);
    assert.equal(contexts.forServername('x.example.org'), contexts.defaultContext);
    assert.equal(contexts.size, 2);

    contexts.update(buildRouteTable({ ...inputs(), ingresses: inputs().ingresses.slice(0, 1) }, CONTROLLER));
    assert.equal(contexts.forServername('shop.example.com'), shopCtx, 'same version: same context');

    const renewed = inputs().secrets.map((s) => (s.metadata.name === 'shop-tls' ? { ...s, metadata: { ...s.metadata, resourceVersion: '8' } } : s));
    contexts.update(buildRouteTable({ ...inputs(renewed), ingresses: inputs().ingresses.slice(0, 1) }, CONTROLLER));
    assert.notEqual(contexts.forServername('shop.example.com'), shopCtx, 'new version: new context');

    contexts.update(buildRouteTable({ ...inputs(), ingresses: [] }, CONTROLLER));
    assert.equal(contexts.size, 0);
    assert.equal(contexts.forServername('shop.example.com'), contexts.defaultContext);
  });
});
