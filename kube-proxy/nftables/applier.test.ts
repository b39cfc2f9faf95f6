import assert from 'node:assert/strict';
import type { CommandResult, CommandRunner } from '../exec';
import { NftablesApplier, NftablesApplyError, NftablesUnavailableError, nftVersionSupported, parseNftVersion } from './applier';
import { buildNftRuleset, countNftRules, desiredNftRuleset, existingFromRuleset } from './build-ruleset';
import { FEATURE_PLANS, plan } from './fixtures';
import { NftListingError, parseNftListing } from './listing';
import { partialNftRuleset } from './partial-ruleset';
import { NftablesServiceRules } from './service-rules';
import { syncNftablesPlan } from './sync-plan';
import type { ProxyPlan } from '../plan/types';

const desired = (p: ProxyPlan) => desiredNftRuleset(p, { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.50.10'] });

/** A runner that records calls and answers from a script keyed by "cmd arg0 arg1 ...". */
function recorder(answer: (line: string, stdin?: string) => Partial<CommandResult> = () => ({})) {
  const calls: { line: string; stdin?: string }[] = [];
  const run: CommandRunner = async (cmd, args, stdin) => {
    const line = [cmd, ...args].join(' ');
    calls.push({ line, stdin });
    return { code: 0, stdout: '', stderr: '', ...answer(line, stdin) };
  };
  return { run, calls };
}

// The shape of `nft -j -t list table ip k8ts-proxy` (nft 1.0.6), trimmed; another table's objects
// are mixed in to show they are ignored.
const LISTING = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'ip', name: 'k8ts-proxy', handle: 7, comment: 'k8ts kube-proxy (nftables mode)' } },
    { chain: { family: 'ip', table: 'k8ts-proxy', name: 'nat-prerouting', handle: 1, type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } },
    { chain: { family: 'ip', table: 'k8ts-proxy', name: 'services', handle: 2 } },
    { chain: { family: 'ip', table: 'k8ts-proxy', name: 'service-ABCDEFGH-default/web/tcp/http', handle: 3 } },
    { chain: { family: 'ip', table: 'other', name: 'not-ours', handle: 4 } },
    { set: { family: 'ip', name: 'cluster-ips', table: 'k8ts-proxy', type: 'ipv4_addr', handle: 5, comment: 'active cluster IPs' } },
    { set: { family: 'ip', name: 'affinity-ABCDEFGH-default/web/tcp/http__10.244.0.7/8080', table: 'k8ts-proxy', type: 'ipv4_addr', handle: 6, flags: ['timeout', 'dynamic'], timeout: 600 } },
    { map: { family: 'ip', name: 'service-ips', table: 'k8ts-proxy', type: ['ipv4_addr', 'inet_proto', 'inet_service'], handle: 8, map: 'verdict' } },
    { rule: { family: 'ip', table: 'k8ts-proxy', chain: 'services', handle: 9, expr: [] } },
  ],
});

describe('nftables listing', () => {
  it('reads our chains, sets (with timeouts) and maps, ignoring other tables and rules', () => {
    assert.deepEqual(parseNftListing(LISTING, 'k8ts-proxy'), {
      chains: ['nat-prerouting', 'service-ABCDEFGH-default/web/tcp/http', 'services'],
      sets: [{ name: 'affinity-ABCDEFGH-default/web/tcp/http__10.244.0.7/8080', timeoutSeconds: 600 }, { name: 'cluster-ips' }],
      maps: ['service-ips'],
    });
  });

  it('names bad output clearly', () => {
    for (const bad of ['not json', '{}', '[]', '{"nftables": 3}']) {
      assert.throws(() => parseNftListing(bad, 'k8ts-proxy'), (e: unknown) => e instanceof NftListingError && e.code === 'NFTABLES_LISTING_INVALID');
    }
  });
});

describe('nftables applier', () => {
  it('parses and judges nft versions', () => {
    assert.equal(parseNftVersion('nftables v1.0.6 (Lester Gooch #5)\n'), '1.0.6');
    assert.equal(parseNftVersion('something else'), undefined);
    assert.deepEqual(['0.9.8', '1.0.0', '1.0.1', '1.1', '2.0.0'].map(nftVersionSupported), [false, false, true, true, true]);
  });

  it('available(): version, then a probe table created and deleted in one transaction', async () => {
    const { run, calls } = recorder((line) => (line === 'nft --version' ? { stdout: 'nftables v1.0.6 (Lester Gooch #5)\n' } : {}));
    assert.deepEqual(await new NftablesApplier(run).available(), { version: '1.0.6' });
    assert.deepEqual(calls, [
      { line: 'nft --version', stdin: undefined },
      { line: 'nft -f -', stdin: 'add table ip k8ts-proxy-probe\ndelete table ip k8ts-proxy-probe\n' },
    ]);
  });

  const unavailable: [string, (line: string) => Partial<CommandResult>, RegExp][] = [
    ['no nft binary', () => ({ code: 127, stderr: 'spawn nft ENOENT' }), /nft binary is not installed/],
    ['nft too old', () => ({ stdout: 'nftables v0.9.8 (E.D.S.)\n' }), /needs nft 1\.0\.1 or later, found 0\.9\.8/],
    [
      'kernel refuses',
      (line) => (line === 'nft --version' ? { stdout: 'nftables v1.0.6 (Lester Gooch #5)\n' } : { code: 1, stderr: 'Error: Could not process rule: Operation not supported' }),
      /kernel refused an nftables table \(Error: Could not process rule: Operation not supported\)/,
    ],
  ];
  for (const [what, answer, msg] of unavailable) {
    it(`available() throws NftablesUnavailableError: ${what}`, async () => {
      const { run } = recorder(answer);
      await assert.rejects(new NftablesApplier(run).available(), (e: unknown) => e instanceof NftablesUnavailableError && e.code === 'NFTABLES_UNAVAILABLE' && msg.test(e.message));
    });
  }

  it('apply() feeds the payload to one `nft -f -`; a failure is NftablesApplyError with nft\'s message', async () => {
    const ok = recorder();
    await new NftablesApplier(ok.run).apply('add table ip k8ts-proxy\n');
    assert.deepEqual(ok.calls, [{ line: 'nft -f -', stdin: 'add table ip k8ts-proxy\n' }]);
    const bad = recorder(() => ({ code: 1, stderr: 'Error: syntax error, unexpected junk\n' }));
    await assert.rejects(new NftablesApplier(bad.run).apply('junk\n'), (e: unknown) => e instanceof NftablesApplyError && e.code === 'NFTABLES_APPLY_FAILED' && /unexpected junk/.test(e.message));
  });

  it('cleanup() deletes only our table, valid whether or not it exists', async () => {
    const { run, calls } = recorder();
    await new NftablesApplier(run, { tableName: 'k8ts-test' }).cleanup();
    assert.deepEqual(calls, [{ line: 'nft -f -', stdin: 'add table ip k8ts-test\ndelete table ip k8ts-test\n' }]);
  });

  it('existingState(): parsed listing, undefined when the table does not exist, an error otherwise', async () => {
    const present = recorder(() => ({ stdout: LISTING }));
    const state = await new NftablesApplier(present.run).existingState();
    assert.equal(present.calls[0].line, 'nft -j -t list table ip k8ts-proxy');
    assert.deepEqual(state?.maps, ['service-ips']);
    const absent = recorder(() => ({ code: 1, stderr: 'Error: No such file or directory\nlist table ip k8ts-proxy\n' }));
    assert.equal(await new NftablesApplier(absent.run).existingState(), undefined);
    const broken = recorder(() => ({ code: 1, stderr: 'Error: Operation not permitted' }));
    await assert.rejects(new NftablesApplier(broken.run).existingState(), /Operation not permitted/);
  });

  it('syncNftablesPlan: the first sync re-creates the table without reading it; without memory later ones read it and update in place', async () => {
    const { run, calls } = recorder((line) => (line.startsWith('nft -j') ? { stdout: LISTING } : {}));
    const applier = new NftablesApplier(run);
    const opts = { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.50.10'] };
    const first = await syncNftablesPlan(applier, FEATURE_PLANS['cluster-ip'], opts, { first: true });
    assert.deepEqual(calls.map((c) => c.line), ['nft -f -']);
    assert.match(calls[0].stdin ?? '', /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/);
    assert.deepEqual({ recreated: first.recreated, partial: first.partial, skipped: first.skipped }, { recreated: true, partial: false, skipped: [] });
    assert.equal(first.rules, 19 + 14);
    assert.equal(first.sentRules, 19 + 14);
    const later = await syncNftablesPlan(applier, FEATURE_PLANS['cluster-ip'], opts, { first: false });
    assert.deepEqual(calls.slice(1).map((c) => c.line), ['nft -j -t list table ip k8ts-proxy', 'nft -f -']);
    assert.ok(!calls[2].stdin?.includes('delete table'));
    // The listed chain that the plan does not want is deleted.
    assert.ok(calls[2].stdin?.includes('delete chain ip k8ts-proxy service-ABCDEFGH-default/web/tcp/http\n'));
    assert.equal(later.recreated, false);
  });
});

describe('nftables service rules: full and partial syncs', () => {
  const opts = { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.50.10'] };
  const changed = plan(...FEATURE_PLANS['cluster-ip'].servicePorts.slice(1));

  it('first apply re-creates; then partial syncs send only the difference, nothing when unchanged; a full one rewrites in place from memory, never listing', async () => {
    const { run, calls } = recorder();
    const rules = new NftablesServiceRules(new NftablesApplier(run), opts);
    await rules.apply(FEATURE_PLANS['cluster-ip'], { full: false });
    assert.match(calls[0].stdin ?? '', /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/, 'the first apply is full whatever it is asked');
    await rules.apply(FEATURE_PLANS['cluster-ip'], { full: false });
    assert.equal(calls.length, 1, 'unchanged: nothing sent');
    const counted = await rules.apply(changed, {});
    assert.equal(calls[1].stdin, partialNftRuleset(desired(FEATURE_PLANS['cluster-ip']), desired(changed)));
    assert.equal(counted.rules.nftables, countNftRules(buildNftRuleset(changed, opts)), 'the metric counts the whole table');
    await rules.apply(changed, { full: true });
    assert.equal(calls[2].stdin, buildNftRuleset(changed, { ...opts, existing: existingFromRuleset(desired(changed)) }));
    assert.ok(calls.every((c) => c.line === 'nft -f -'), 'the table is never read back');
  });

  it('a failed apply forgets the memory: the next sync reads the table back once and rewrites it in full', async () => {
    let fail = false;
    const { run, calls } = recorder((line) => (line.startsWith('nft -j') ? { stdout: LISTING } : fail ? { code: 1, stderr: 'Error: Could not process rule: No buffer space available' } : {}));
    const rules = new NftablesServiceRules(new NftablesApplier(run), opts);
    await rules.apply(FEATURE_PLANS['cluster-ip']);
    fail = true;
    await assert.rejects(rules.apply(changed), NftablesApplyError);
    fail = false;
    await rules.apply(changed, { full: false });
    assert.deepEqual(calls.slice(2).map((c) => c.line), ['nft -j -t list table ip k8ts-proxy', 'nft -f -']);
    assert.equal(calls[3].stdin, buildNftRuleset(changed, { ...opts, existing: parseNftListing(LISTING, 'k8ts-proxy') }));
    await rules.apply(FEATURE_PLANS['cluster-ip'], { full: false });
    assert.equal(calls[4].stdin, partialNftRuleset(desired(changed), desired(FEATURE_PLANS['cluster-ip'])), 'trusted again after a success');
  });

  it('a failed first apply leaves the next one a re-creation', async () => {
    let fail = true;
    const { run, calls } = recorder(() => (fail ? { code: 1, stderr: 'Error: Operation not permitted' } : {}));
    const rules = new NftablesServiceRules(new NftablesApplier(run), opts);
    await assert.rejects(rules.apply(changed), NftablesApplyError);
    fail = false;
    await rules.apply(changed);
    assert.deepEqual(calls.map((c) => c.line), ['nft -f -', 'nft -f -']);
    assert.match(calls[1].stdin ?? '', /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/);
  });
});
