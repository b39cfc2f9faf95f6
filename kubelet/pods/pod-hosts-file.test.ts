import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { ContainerConfigError } from './env';
import { hostsMount, podHostsFilePath, removePodHostsFile, writePodHostsFile } from './pod-hosts-file';

const pod = (spec: Record<string, unknown> = {}): Pod => ({ metadata: { name: 'web-0', namespace: 'ns1', uid: 'u1' }, spec: { containers: [], ...spec } });

describe('pod hosts file on disk', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes <root>/pods/<uid>/etc-hosts with the pod line, and removes it with the empty pod dir', () => {
    const file = writePodHostsFile(root, pod({ subdomain: 'web' }), ['10.244.0.7'], 'cluster.local');
    assert.equal(file, podHostsFilePath(root, 'u1'));
    assert.equal(file, path.join(root, 'pods', 'u1', 'etc-hosts'));
    assert.ok(fs.readFileSync(file!, 'utf8').endsWith('\n10.244.0.7\tweb-0.web.ns1.svc.cluster.local\tweb-0\n'));
    assert.equal((fs.statSync(file!).mode & 0o777).toString(8), '644');
    removePodHostsFile(root, 'u1');
    assert.equal(fs.existsSync(path.join(root, 'pods', 'u1')), false);
    removePodHostsFile(root, 'u1');
  });

  it('keeps a pod dir that still holds volumes', () => {
    writePodHostsFile(root, pod(), ['10.244.0.7'], 'cluster.local');
    fs.mkdirSync(path.join(root, 'pods', 'u1', 'volumes'));
    removePodHostsFile(root, 'u1');
    assert.deepEqual(fs.readdirSync(path.join(root, 'pods', 'u1')), ['volumes']);
  });

  it("copies the node's file for a host-network pod; a missing one is a container config error", () => {
    const nodeHosts = path.join(root, 'node-hosts');
    fs.writeFileSync(nodeHosts, '127.0.0.1 localhost node-a\n');
    const file = writePodHostsFile(root, pod({ hostNetwork: true }), ['192.168.1.5'], 'cluster.local', nodeHosts);
    assert.equal(fs.readFileSync(file!, 'utf8'), '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost node-a\n');
    assert.throws(() => writePodHostsFile(root, pod({ hostNetwork: true }), ['192.168.1.5'], 'cluster.local', path.join(root, 'nope')), ContainerConfigError);
  });

  it('writes nothing before the pod has an IP', () => {
    assert.equal(writePodHostsFile(root, pod(), [], 'cluster.local'), undefined);
    assert.equal(fs.existsSync(path.join(root, 'pods')), false);
  });

  it("mounts the file at /etc/hosts unless the container mounts something there", () => {
    assert.deepEqual(hostsMount('/r/pods/u1/etc-hosts', [{ containerPath: '/data' }]), [{ containerPath: '/etc/hosts', hostPath: '/r/pods/u1/etc-hosts', readonly: false }]);
    assert.deepEqual(hostsMount('/r/pods/u1/etc-hosts', [{ containerPath: '/etc//hosts' }]), []);
    assert.deepEqual(hostsMount(undefined, []), []);
  });
});
