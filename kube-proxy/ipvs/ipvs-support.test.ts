import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkIpvsSupport, IpvsUnavailableError, ipvsUnavailableReason } from './ipvs-support';

describe('kube-proxy/ipvs support check', () => {
  let dir: string;
  let procFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ipvs-'));
    procFile = path.join(dir, 'ip_vs');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the missing kernel support first', () => {
    assert.throws(
      () => checkIpvsSupport(procFile, () => true),
      (e: unknown) =>
        e instanceof IpvsUnavailableError && e.code === 'IPVS_UNAVAILABLE' && e.message.includes(procFile) && /ip_vs.*--proxy-mode iptables/s.test(e.message),
    );
  });

  it('names the missing tools where the kernel has IPVS', () => {
    fs.writeFileSync(procFile, '');
    const reason = ipvsUnavailableReason({ procFile, hasTool: (t) => t === 'ipvsadm' });
    assert.equal(reason, '--proxy-mode ipvs needs ipvsadm and ipset, but ipset is not installed; install it or run with --proxy-mode iptables');
  });

  it('says the mode is not applied yet where kernel and tools are there', () => {
    fs.writeFileSync(procFile, '');
    assert.throws(() => checkIpvsSupport(procFile, () => true), /not implemented in k8ts yet: the kernel has IPVS.*--proxy-mode iptables/);
  });

  it('reads this machine truthfully', () => {
    // This kernel has no ip_vs (DESIGN.md, facts): the real proc path must give the kernel reason.
    const reason = ipvsUnavailableReason();
    if (fs.existsSync('/proc/net/ip_vs')) assert.doesNotMatch(reason, /does not exist/);
    else assert.match(reason, /\/proc\/net\/ip_vs does not exist/);
  });
});
