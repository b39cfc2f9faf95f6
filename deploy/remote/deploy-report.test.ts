import { strict as assert } from 'node:assert';
import { describeChanges, formatDeployStep, formatSummary, hostStep, type DeployStep } from './deploy-report';

describe('deploy/remote report', () => {
  it('prints one line per host and step, with its duration', () => {
    assert.equal(formatDeployStep({ host: 'node-1', step: 'bundle', ok: true, ms: 2700, detail: 'uploaded 41 MB' }), '✓ node-1           bundle          2.7 s  uploaded 41 MB');
    assert.equal(formatDeployStep({ host: 'cluster', step: 'apiserver', ok: false, ms: 120000, detail: 'did not answer\nmore' }), '✗ cluster          apiserver     120.0 s  did not answer');
    assert.equal(formatDeployStep({ host: 'w', step: 'node', ok: true }), '✓ w                node');
  });

  it('sums up the hosts in a table', () => {
    const text = formatSummary([
      { address: '198.18.0.11', role: 'control-plane', nodeName: 'node-1', state: 'unchanged', bundle: '0123456789abcdef0123', ms: 800 },
      { address: '198.18.0.12', role: 'worker', nodeName: 'node-2', state: 'updated', bundle: '0123456789abcdef0123', changes: 'restarted kubelet', ms: 2100 },
    ]);
    assert.equal(
      text,
      [
        'HOST         ROLE           NODE    STATE      BUNDLE        TIME   CHANGES',
        '198.18.0.11  control-plane  node-1  unchanged  0123456789ab  0.8 s  -',
        '198.18.0.12  worker         node-2  updated    0123456789ab  2.1 s  restarted kubelet',
      ].join('\n'),
    );
  });

  it('says what an apply changed, or nothing when it changed nothing', () => {
    const none = { written: [], started: [], restarted: [], removed: [] };
    assert.equal(describeChanges(none), undefined);
    assert.equal(describeChanges({ ...none, written: ['/a'], restarted: ['kubelet', 'kube-proxy'] }), '1 file, restarted kubelet kube-proxy');
    assert.equal(describeChanges({ ...none, written: ['/a', '/b'], started: ['etcd'], removed: ['scheduler'], supervisorStarted: true }), '2 files, started etcd, removed scheduler, started the supervisor');
  });

  it('reports a failed step once, then passes the error on', async () => {
    const seen: DeployStep[] = [];
    const r = { step: (e: DeployStep) => seen.push(e), summary: () => undefined };
    await assert.rejects(hostStep(r, 'w', 'apply', () => Promise.reject(new Error('boom'))), (e: Error & { reported?: boolean }) => e.reported === true);
    assert.deepEqual(seen.map((s) => [s.host, s.step, s.ok, s.detail]), [['w', 'apply', false, 'boom']]);
    assert.equal(await hostStep(r, 'w', 'x', () => 7, (v) => `got ${v}`), 7);
    assert.equal(seen[1].detail, 'got 7');
  });
});
