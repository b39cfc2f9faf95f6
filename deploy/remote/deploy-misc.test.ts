import { strict as assert } from 'node:assert';
import { parseAgentOutput, RESULT_MARKER } from './agent-protocol';
import { nodeMarks } from './cluster-api';
import { nodeArchOf, parseFacts, sq } from './host-session';
import { stopOrder } from './host-uninstall';
import { bootHook, detectInit } from './host-init';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCa, ensureClientCert } from '../../lib/pki';
import { kubeletJoined } from './host-apply';

describe('deploy/remote pieces', () => {
  it('reads the agent’s result line whatever else its stdout holds', () => {
    const out = `some module's log line\n{"level":40}\n${RESULT_MARKER}{"ok":true,"result":{"joined":true}}\n`;
    assert.deepEqual(parseAgentOutput(out), { ok: true, result: { joined: true } });
    assert.deepEqual(parseAgentOutput(`${RESULT_MARKER}{"ok":false,"error":{"code":"X","message":"m"}}`), { ok: false, error: { code: 'X', message: 'm' } });
    assert.equal(parseAgentOutput('Error: Cannot find module'), undefined);
    assert.equal(parseAgentOutput(`${RESULT_MARKER}{truncated`), undefined);
  });

  it('reads a host’s facts: hostname, architecture, init, installed packages', () => {
    const f = parseFacts('node-2\nx86_64\nnone\ncontainerd installed\nrunc installed\netcd-server not-installed\n');
    assert.equal(f.hostname, 'node-2');
    assert.equal(nodeArchOf(f.arch), 'x64');
    assert.equal(f.systemd, false);
    assert.deepEqual([...f.installed].sort(), ['containerd', 'runc']);
    assert.equal(parseFacts('vm\naarch64\nsystemd\n').systemd, true);
    assert.equal(nodeArchOf('aarch64'), 'arm64');
    assert.equal(nodeArchOf('mips'), undefined);
    assert.equal(sq(`it's`), `'it'\\''s'`);
  });

  it('adds the wanted labels and taints, drops only the labels it set before, keeps everyone else’s', () => {
    const node = {
      metadata: { name: 'w', labels: { 'kubernetes.io/hostname': 'w', zone: 'a', old: 'x' } },
      spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] },
    };
    assert.equal(nodeMarks(node, { labels: { zone: 'a' }, taints: [] }), undefined, 'nothing to change');
    assert.deepEqual(nodeMarks(node, { labels: { zone: 'b' }, taints: [{ key: 'role', effect: 'NoSchedule' }] }, { labels: ['old'] }), {
      labels: { 'kubernetes.io/hostname': 'w', zone: 'b' },
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'role', effect: 'NoSchedule' }],
    });
    assert.equal(nodeMarks(node, { labels: {}, taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }, { labels: ['gone-already'] }), undefined);
  });

  it('stops what uses the API first, the store last', () => {
    const units = ['etcd', 'apiserver', 'containerd', 'controller-manager', 'scheduler', 'kubelet', 'kube-proxy'].map((name) => ({ name }));
    assert.deepEqual(stopOrder(units).map((u) => u.name), ['kube-proxy', 'kubelet', 'scheduler', 'controller-manager', 'containerd', 'apiserver', 'etcd']);
  });

  it('knows systemd by /run/systemd/system and starts the supervisor from a boot hook otherwise', () => {
    assert.equal(detectInit('/nonexistent-root'), 'supervisor');
    assert.equal(bootHook('abc'), '#!/bin/sh\n# Written by k8ts deploy: this machine has no systemd, so its boot starts the k8ts supervisor\n# (which starts the node components) as enabled systemd units would be started.\nexec /opt/k8ts/bundles/abc/node /opt/k8ts/bundles/abc/dist/deploy/remote/host-agent.js boot\n');
    assert.equal(kubeletJoined('/nonexistent/kubelet.kubeconfig', ''), false);
  });

  it('counts a kubelet as joined only with a valid certificate from this cluster’s CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-joined-'));
    try {
      const ca = await ensureCa(path.join(dir, 'ca1'));
      const other = await ensureCa(path.join(dir, 'ca2'));
      const cert = await ensureClientCert(path.join(dir, 'ca1'), ca, 'kubelet-client', 'system:node:w1', ['system:nodes']);
      // the form the kubelet writes after TLS bootstrapping: file paths, not inline data
      const kubeconfig = path.join(dir, 'kubelet.kubeconfig');
      fs.writeFileSync(kubeconfig, `users:\n  - name: default-auth\n    user:\n      client-certificate: ${cert.certFile}\n      client-key: ${cert.keyFile}\n`);
      assert.equal(kubeletJoined(kubeconfig, ca.cert), true);
      assert.equal(kubeletJoined(kubeconfig, other.cert), false, 'another cluster’s CA');
      assert.equal(kubeletJoined(kubeconfig, ca.cert, Date.now() + 400 * 86_400_000), false, 'expired');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
