import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { createCsrPem, parseCsrPem, type CsrTemplate } from '../../lib/pki/x509/csr';
import { approvalDecision } from './approval';
import { signerProblem, type CsrView } from './csr-checks';
import { parseGoDuration, signingAction, signingDurationMs, validityWindow } from './signing';

const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const ed = crypto.generateKeyPairSync('ed25519').privateKey;
const req = (t: CsrTemplate, key: crypto.KeyObject = ec) => parseCsrPem(createCsrPem(t, key));
const NODE = { commonName: 'system:node:n1', organizations: ['system:nodes'] };
const CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const SERVING = 'kubernetes.io/kubelet-serving';
const boot: Partial<CsrView> = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
const self: Partial<CsrView> = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const view = (v: Partial<CsrView>): CsrView => ({ name: 'c', signerName: CLIENT, usages: ['digital signature', 'client auth'], username: '', groups: [], ...v });
const nodeAddrs = { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }] };

describe('csrapproving decisions', () => {
  it('approves kubelet client requests from bootstrappers and the node itself only', () => {
    const cases: [string, Partial<CsrView>, CsrTemplate, crypto.KeyObject, string][] = [
      ['bootstrapper', boot, NODE, ec, 'approve: Auto approving kubelet client certificate after SubjectAccessReview.'],
      ['self renewal', self, NODE, ec, 'approve: Auto approving self kubelet client certificate after SubjectAccessReview.'],
      ['key encipherment allowed', { ...boot, usages: ['digital signature', 'key encipherment', 'client auth'] }, NODE, ec, 'approve: Auto approving kubelet client certificate after SubjectAccessReview.'],
      ['another node renewing', { username: 'system:node:n2', groups: ['system:nodes'] }, NODE, ec, 'no: requester system:node:n2 is neither a bootstrapper nor the node itself'],
      ['an admin', { username: 'admin', groups: ['system:masters'] }, NODE, ec, 'no: requester admin is neither a bootstrapper nor the node itself'],
      ['wrong org', boot, { commonName: 'system:node:n1', organizations: ['system:masters'] }, ec, 'no: subject organization is not system:nodes'],
      ['two orgs', boot, { commonName: 'system:node:n1', organizations: ['system:nodes', 'x'] }, ec, 'no: subject organization is not system:nodes'],
      ['wrong CN', boot, { commonName: 'admin', organizations: ['system:nodes'] }, ec, 'no: subject common name does not begin with system:node:'],
      ['SANs', boot, { ...NODE, dnsNames: ['n1'] }, ec, 'no: DNS, email, IP or URI subjectAltNames are not allowed'],
      ['server auth', { ...boot, usages: ['digital signature', 'server auth'] }, NODE, ec, 'no: usages must be "digital signature" and "client auth", optionally "key encipherment"'],
      ['missing digital signature', { ...boot, usages: ['client auth'] }, NODE, ec, 'no: usages must be "digital signature" and "client auth", optionally "key encipherment"'],
      ['ed25519 key', boot, NODE, ed, 'no: public key must be ECDSA or RSA, not ed25519'],
      ['other signer', { ...boot, signerName: 'example.com/x' }, NODE, ec, 'no: signer example.com/x is not approved automatically'],
    ];
    for (const [name, v, t, key, want] of cases) {
      const d = approvalDecision(view(v), req(t, key), undefined);
      assert.equal(d.approve ? `approve: ${d.message}` : `no: ${d.why}`, want, name);
    }
  });

  it('approves kubelet serving requests only for the node and its own addresses', () => {
    const serving = { ...self, signerName: SERVING, usages: ['digital signature', 'key encipherment', 'server auth'] };
    const cases: [string, Partial<CsrView>, CsrTemplate, typeof nodeAddrs | undefined, string][] = [
      ['own addresses', serving, { ...NODE, dnsNames: ['n1'], ipAddresses: ['10.0.0.5'] }, nodeAddrs, "approve: Auto approving kubelet serving certificate after checking the node's addresses."],
      ['foreign IP', serving, { ...NODE, ipAddresses: ['10.0.0.9'] }, nodeAddrs, "no: IP address 10.0.0.9 is not one of the node's addresses"],
      ['foreign name', serving, { ...NODE, dnsNames: ['kubernetes.default'] }, nodeAddrs, "no: DNS name kubernetes.default is not one of the node's hostnames"],
      ['no node yet', serving, { ...NODE, ipAddresses: ['10.0.0.5'] }, undefined, 'no: the node does not exist or has no addresses yet'],
      ['bootstrapper asks', { ...serving, ...boot }, { ...NODE, ipAddresses: ['10.0.0.5'] }, nodeAddrs, 'no: requester system:bootstrap:abcdef is not system:node:n1'],
      ['no SANs', serving, NODE, nodeAddrs, 'no: DNS or IP subjectAltName is required'],
      ['client auth', { ...serving, usages: ['digital signature', 'client auth'] }, { ...NODE, ipAddresses: ['10.0.0.5'] }, nodeAddrs, 'no: usages must be "digital signature" and "server auth", optionally "key encipherment"'],
    ];
    for (const [name, v, t, node, want] of cases) {
      const d = approvalDecision(view(v), req(t), node);
      assert.equal(d.approve ? `approve: ${d.message}` : `no: ${d.why}`, want, name);
    }
  });
});

describe('csrsigning decisions', () => {
  it('signs approved, unissued requests of the kubernetes.io signers', () => {
    const cases: [string, Parameters<typeof signingAction>[0], string][] = [
      ['approved', { signerName: CLIENT, conditions: [{ type: 'Approved' }] }, 'sign'],
      ['pending', { signerName: CLIENT, conditions: [] }, 'skip'],
      ['denied', { signerName: CLIENT, conditions: [{ type: 'Denied' }] }, 'skip'],
      ['failed', { signerName: CLIENT, conditions: [{ type: 'Approved' }, { type: 'Failed' }] }, 'skip'],
      ['issued', { signerName: CLIENT, conditions: [{ type: 'Approved' }], certificate: 'x' }, 'skip'],
      ['foreign signer', { signerName: 'example.com/x', conditions: [{ type: 'Approved' }] }, 'skip'],
      ['apiserver client', { signerName: 'kubernetes.io/kube-apiserver-client', conditions: [{ type: 'Approved' }] }, 'sign'],
      ['legacy', { signerName: 'kubernetes.io/legacy-unknown', conditions: [{ type: 'Approved' }] }, 'sign'],
    ];
    for (const [name, s, want] of cases) assert.equal(signingAction(s), want, name);
  });

  it('refuses what a signer may not issue', () => {
    const c = req({ commonName: 'alice', organizations: ['system:masters'] });
    assert.equal(signerProblem(view({ signerName: CLIENT }), c), 'subject organization is not system:nodes');
    assert.equal(signerProblem(view({ signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] }), c), undefined);
    assert.equal(signerProblem(view({ signerName: 'kubernetes.io/kube-apiserver-client', usages: ['server auth'] }), c), 'usages must include "client auth" and only "digital signature" or "key encipherment" besides');
  });

  it('chooses the lifetime as upstream does', () => {
    const H = 3600_000;
    const cases: [number, number | undefined, number][] = [
      [8760 * H, undefined, 8760 * H],
      [8760 * H, 3600, H],
      [H, 7200, H],
      [2 * 60_000, undefined, 2 * 60_000],
      [8760 * H, 600, 600_000],
    ];
    for (const [cluster, asked, want] of cases) assert.equal(signingDurationMs(cluster, asked), want, `${cluster} ${asked}`);
    const now = new Date('2026-12-05T10:00:00Z');
    assert.deepEqual(validityWindow(now, 120_000), { notBefore: new Date('2026-12-05T09:55:00Z'), notAfter: new Date('2026-12-05T10:02:00Z') });
    assert.deepEqual(validityWindow(now, 8760 * H), { notBefore: new Date('2026-12-05T09:55:00Z'), notAfter: new Date(Date.parse('2026-12-05T09:55:00Z') + 8760 * H) });
  });

  it('parses Go durations', () => {
    const cases: [string, number | undefined][] = [['8760h', 8760 * 3600_000], ['2m', 120_000], ['1h30m', 5400_000], ['90s', 90_000], ['10', undefined], ['', undefined], ['-1h', undefined]];
    for (const [s, want] of cases) assert.equal(parseGoDuration(s), want, s);
  });
});
