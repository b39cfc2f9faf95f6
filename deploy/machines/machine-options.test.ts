import { strict as assert } from 'node:assert';
import { containerName, machineCreateOptions, type MachineSpec } from './machine-options';
import { MachineConfigError } from './network-config';
import { demuxDockerLog } from './machines';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPL+vFJk0cR92V9kxE+kmz46s23FcqUgzj5GeP9YB+is k8ts-dev';
const spec = (over: Partial<MachineSpec> = {}): MachineSpec => ({
  cluster: 'dev',
  name: 'node-1',
  image: 'k8ts/node:0123456789abcdef',
  address: '198.18.0.11',
  authorizedKey: KEY,
  ...over,
});

describe('machines: container create options', () => {
  it('creates a machine that can run containerd, runc, CNI and iptables without --privileged', () => {
    const o = machineCreateOptions(spec());
    assert.equal(o.name, 'k8ts-dev-node-1');
    assert.equal(o.Hostname, 'node-1');
    assert.equal(o.Image, 'k8ts/node:0123456789abcdef');
    assert.deepEqual(o.Entrypoint, ['/sbin/k8ts-init']);
    assert.deepEqual(o.HostConfig, {
      NetworkMode: 'k8ts-dev',
      CapAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'NET_RAW', 'MKNOD'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      CgroupnsMode: 'private',
      Tmpfs: { '/run': 'rw,nosuid,nodev,exec,mode=755' },
      Mounts: [{ Type: 'volume', Source: '', Target: '/var' }],
      Sysctls: { 'net.ipv4.ip_forward': '1' },
      RestartPolicy: { Name: 'no' },
    });
    assert.equal(o.HostConfig.Privileged, undefined);
  });

  it('puts the machine on its cluster network at its fixed address, named by its hostname', () => {
    const o = machineCreateOptions(spec({ address: '198.18.3.12', name: 'cp' }));
    assert.deepEqual(o.NetworkingConfig, { EndpointsConfig: { 'k8ts-dev': { IPAMConfig: { IPv4Address: '198.18.3.12' }, Aliases: ['cp'] } } });
  });

  it('labels the container so any process finds the machine again', () => {
    assert.deepEqual(machineCreateOptions(spec()).Labels, {
      'io.k8ts.cluster': 'dev',
      'io.k8ts.machine': 'node-1',
      'io.k8ts.address': '198.18.0.11',
      'io.k8ts.managed-by': 'k8ts-machines',
    });
  });

  it('hands the cluster public key to the boot script', () => {
    assert.deepEqual(machineCreateOptions(spec({ authorizedKey: `${KEY}\n` })).Env, [`K8TS_AUTHORIZED_KEY=${KEY}`]);
    assert.throws(() => machineCreateOptions(spec({ authorizedKey: 'not a key' })), /one OpenSSH public key line/);
    assert.throws(() => machineCreateOptions(spec({ authorizedKey: `${KEY}\n${KEY}` })), /one OpenSSH public key line/);
  });

  it('refuses names that cannot be hostnames or container names', () => {
    assert.throws(() => machineCreateOptions(spec({ name: 'Node_1' })), MachineConfigError);
    assert.throws(() => machineCreateOptions(spec({ cluster: 'Dev' })), MachineConfigError);
    assert.equal(containerName('e2e', 'w1'), 'k8ts-e2e-w1');
  });
});

describe('machines: container log frames', () => {
  it('joins the text of stdout and stderr frames', () => {
    const frame = (stream: number, text: string) => {
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([head, Buffer.from(text)]);
    };
    const buf = Buffer.concat([frame(2, 'k8ts-init: /etc/k8ts/boot failed: stopping the machine\n'), frame(1, 'x'.repeat(300) + '\n')]);
    assert.equal(demuxDockerLog(buf), 'k8ts-init: /etc/k8ts/boot failed: stopping the machine\n' + 'x'.repeat(300) + '\n');
    assert.equal(demuxDockerLog(Buffer.alloc(0)), '');
  });
});
