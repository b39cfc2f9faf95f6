import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayOf, renderCniConfig, writeCniConfig, CniConfigError, CNI_CONF_FILE } from './cni-config';

describe('cni-config', () => {
  const gateways: [string, string][] = [
    ['10.244.0.0/24', '10.244.0.1'],
    ['10.244.7.0/24', '10.244.7.1'],
    ['10.244.7.9/24', '10.244.7.1'],
    ['192.168.128.0/17', '192.168.128.1'],
  ];
  for (const [cidr, gw] of gateways) it(`gateway of ${cidr} is ${gw}`, () => assert.equal(gatewayOf(cidr), gw));
  for (const bad of ['10.244.0.0', '10.244.0.300/24', 'x/24', '10.0.0.0/31']) {
    it(`rejects ${bad}`, () => assert.throws(() => gatewayOf(bad), CniConfigError));
  }

  it('renders bridge + host-local + portmap for the pod CIDR', () => {
    const c = renderCniConfig({ podCIDR: '10.244.3.0/24', ipamDataDir: '/tmp/x/ipam' }) as any;
    assert.equal(c.plugins[0].type, 'bridge');
    assert.equal(c.plugins[0].bridge, 'k8ts0');
    assert.equal(c.plugins[0].isGateway, true);
    assert.equal(c.plugins[0].ipMasq, false);
    assert.equal(c.plugins[0].hairpinMode, true);
    assert.deepEqual(c.plugins[0].ipam.ranges, [[{ subnet: '10.244.3.0/24', gateway: '10.244.3.1' }]]);
    assert.deepEqual(c.plugins[0].ipam.routes, [{ dst: '0.0.0.0/0' }]);
    assert.equal(c.plugins[0].ipam.dataDir, '/tmp/x/ipam');
    assert.equal(c.plugins[1].type, 'portmap');
  });

  it('rejects bridge names longer than 15 characters', () => {
    assert.throws(() => renderCniConfig({ podCIDR: '10.244.3.0/24', ipamDataDir: '/x', bridgeName: 'a'.repeat(16) }), CniConfigError);
  });

  it('writes once and reports unchanged rewrites', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-cni-'));
    try {
      const c = renderCniConfig({ podCIDR: '10.244.3.0/24', ipamDataDir: '/x' });
      assert.equal(writeCniConfig(dir, c), true);
      assert.equal(writeCniConfig(dir, c), false);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, CNI_CONF_FILE), 'utf8')), c);
      assert.deepEqual(fs.readdirSync(dir), [CNI_CONF_FILE]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
