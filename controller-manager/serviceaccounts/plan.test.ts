import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { missingServiceAccounts, planRootCa, ROOT_CA_DESCRIPTION } from './plan';

const ns = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, ...extra }, status: { phase: 'Active' } }) as KObject;
const terminating = { metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } } as KObject;

describe('serviceaccounts plan', () => {
  it('creates default in an active namespace that lacks it', () => {
    assert.deepEqual(missingServiceAccounts(ns('a'), new Set()), [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'a' } }]);
    assert.deepEqual(missingServiceAccounts(ns('a'), new Set(['default'])), []);
    assert.deepEqual(missingServiceAccounts(terminating, new Set()), []);
    assert.deepEqual(missingServiceAccounts(undefined, new Set()), []);
  });
});

describe('root CA publisher plan', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n';
  it('creates the ConfigMap with the CA and upstream\'s description', () => {
    const p = planRootCa(ns('a'), undefined, ca);
    assert.equal(p.action, 'create');
    assert.deepEqual((p as any).configMap, {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'a', annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': ca },
    });
  });

  it('leaves a correct one alone and restores an edited one, keeping other metadata', () => {
    const good = { metadata: { name: 'kube-root-ca.crt', namespace: 'a', labels: { x: 'y' }, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': ca } } as KObject;
    assert.deepEqual(planRootCa(ns('a'), good as any, ca), { action: 'none' });
    const edited = { ...good, data: { 'ca.crt': 'nope', extra: '1' } } as KObject;
    const p = planRootCa(ns('a'), edited as any, ca);
    assert.equal(p.action, 'update');
    assert.deepEqual((p as any).configMap.data, { 'ca.crt': ca });
    assert.deepEqual((p as any).configMap.metadata.labels, { x: 'y' });
    assert.deepEqual(planRootCa(terminating, undefined, ca), { action: 'none' });
  });
});
