import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import { buildCleanupRules } from './cleanup-rules';
import { JUMP_RULES, jumpArgv } from './jumps';
import { buildPodNetworkRules, POD_EGRESS_CHAIN, POD_FORWARD_CHAIN, PodNetworkRulesError } from './pod-network-rules';

function checkGolden(name: string, actual: string): void {
  const file = path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'iptables', name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}

describe('pod network iptables rules', () => {
  it('renders the egress masquerade and forwarding chains (golden)', () => {
    checkGolden('pod-network.golden', buildPodNetworkRules('10.244.0.0/16'));
  });

  it('normalises the cluster CIDR and refuses a bad one', () => {
    assert.equal(buildPodNetworkRules('10.244.7.1/16'), buildPodNetworkRules('10.244.0.0/16'));
    assert.throws(() => buildPodNetworkRules('pods'), PodNetworkRulesError);
  });

  it('jumps in: egress at the top of POSTROUTING, forwarding appended after kube-proxy', () => {
    const egress = JUMP_RULES.find((j) => j.args.includes(POD_EGRESS_CHAIN))!;
    const forward = JUMP_RULES.find((j) => j.args.includes(POD_FORWARD_CHAIN))!;
    assert.deepEqual(jumpArgv('-I', egress), ['-w', '-t', 'nat', '-I', 'POSTROUTING', '1', '-m', 'comment', '--comment', 'k8ts pod network egress', '-j', POD_EGRESS_CHAIN]);
    assert.deepEqual(jumpArgv('-I', forward), ['-w', '-t', 'filter', '-A', 'FORWARD', '-m', 'comment', '--comment', 'k8ts pod network forwarding', '-j', POD_FORWARD_CHAIN]);
    assert.deepEqual(jumpArgv('-D', forward).slice(0, 5), ['-w', '-t', 'filter', '-D', 'FORWARD']);
  });

  it('--cleanup deletes them with the proxy chains', () => {
    const payload = buildCleanupRules({ nat: ['POSTROUTING', POD_EGRESS_CHAIN, 'KUBE-SERVICES'], filter: ['FORWARD', POD_FORWARD_CHAIN] });
    assert.match(payload, new RegExp(`^-X ${POD_EGRESS_CHAIN}$`, 'm'));
    assert.match(payload, new RegExp(`^-X ${POD_FORWARD_CHAIN}$`, 'm'));
    assert.doesNotMatch(payload, /-X (POSTROUTING|FORWARD)/);
  });
});
