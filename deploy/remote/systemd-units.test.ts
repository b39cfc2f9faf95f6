import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import { fakePki } from '../../test/fixtures/deploy/fake-pki';
import { planHost } from './host-plan';
import { CLUSTER_DEFAULTS } from './inventory';
import { quoteWord, renderSystemdUnit } from './systemd-units';

const GOLDEN = path.join(repoRoot(), 'test', 'fixtures', 'deploy', 'systemd');

describe('deploy/remote systemd units', () => {
  it('quotes ExecStart words as systemd reads them', () => {
    const table: [string, string][] = [
      ['--node-ip=192.0.2.10', '--node-ip=192.0.2.10'],
      ['/opt/k8ts/bundles/abc/node', '/opt/k8ts/bundles/abc/node'],
      ['a b', '"a b"'],
      ['50%', '50%%'],
      ['$HOME', '"$$HOME"'],
      ['say "hi"\\', '"say \\"hi\\"\\\\"'],
      ['', '""'],
    ];
    for (const [word, want] of table) assert.equal(quoteWord(word), want, word);
  });

  // golden files: test/fixtures/deploy/systemd/<unit>.service (K8TS_UPDATE_GOLDEN=1 rewrites them)
  const plan = planHost({
    cluster: { name: 'lab', ...CLUSTER_DEFAULTS },
    nodeName: 'cp',
    nodeIp: '192.0.2.10',
    role: 'control-plane',
    labels: {},
    controlPlaneIp: '192.0.2.10',
    pki: fakePki(['cp']),
    bundle: '0123456789abcdef01234567',
  });
  for (const u of plan.units) {
    it(`renders ${u.name} as its golden unit file`, () => {
      const file = path.join(GOLDEN, `k8ts-${u.name}.service`);
      const text = renderSystemdUnit(u);
      if (process.env.K8TS_UPDATE_GOLDEN === '1') fs.writeFileSync(file, text);
      assert.equal(text, fs.readFileSync(file, 'utf8'));
    });
  }

  it('restarts always, orders after local dependencies, keeps containers across a containerd restart', () => {
    const byName = Object.fromEntries(plan.units.map((u) => [u.name, renderSystemdUnit(u)]));
    for (const text of Object.values(byName)) {
      assert.match(text, /^Restart=always$/m);
      assert.match(text, /^WantedBy=multi-user\.target$/m);
    }
    assert.match(byName.kubelet, /^After=network-online\.target k8ts-apiserver\.service k8ts-containerd\.service$/m);
    assert.match(byName.containerd, /^KillMode=process$/m);
    assert.match(byName.containerd, /^Delegate=yes$/m);
    assert.match(byName.apiserver, /^StandardOutput=append:\/var\/log\/k8ts\/apiserver\.log$/m);
  });
});
