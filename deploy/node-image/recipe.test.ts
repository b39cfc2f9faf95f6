import { strict as assert } from 'node:assert';
import { REQUIRED_PACKAGES } from '../cluster/preflight';
import { IMPORT_CHANGES, NODE_PACKAGES, defaultInputs, mmdebstrapArgs, nodeImageHash, nodeImageTag, overlayLayout, type NodeImageInputs } from './recipe';

const sources = [
  { name: 'k8ts-init.c', data: Buffer.from('int main(void){return 0;}') },
  { name: 'boot.sh', data: Buffer.from('#!/bin/sh\n') },
];
const inputs = (over: Partial<NodeImageInputs> = {}): NodeImageInputs => ({ ...defaultInputs(sources, 'x64'), ...over });

describe('node image recipe', () => {
  it('tags the image with a hash of its inputs', () => {
    assert.match(nodeImageTag(inputs()), /^k8ts\/node:[0-9a-f]{16}$/);
    assert.equal(nodeImageTag(inputs()), nodeImageTag(inputs()));
  });

  it('gives the same hash whatever order packages and sources come in', () => {
    assert.equal(nodeImageHash(inputs({ packages: [...NODE_PACKAGES].reverse() })), nodeImageHash(inputs()));
    assert.equal(nodeImageHash(inputs({ sources: [...sources].reverse() })), nodeImageHash(inputs()));
    assert.equal(nodeImageHash(inputs({ packages: [...NODE_PACKAGES, 'runc'] })), nodeImageHash(inputs()));
  });

  it('changes the hash when any input changes', () => {
    const base = nodeImageHash(inputs());
    const changed: [string, NodeImageInputs][] = [
      ['suite', inputs({ suite: 'trixie' })],
      ['variant', inputs({ variant: 'minbase' })],
      ['arch', inputs({ arch: 'arm64' })],
      ['a package more', inputs({ packages: [...NODE_PACKAGES, 'curl'] })],
      ['a package less', inputs({ packages: NODE_PACKAGES.filter((p) => p !== 'procps') })],
      ['a source edited', inputs({ sources: [sources[0], { name: 'boot.sh', data: Buffer.from('#!/bin/sh\nset -e\n') }] })],
      ['a source renamed', inputs({ sources: [sources[0], { name: 'boot', data: sources[1].data }] })],
      ['a source added', inputs({ sources: [...sources, { name: 'sshd_config', data: Buffer.from('') }] })],
    ];
    for (const [what, i] of changed) assert.notEqual(nodeImageHash(i), base, what);
  });

  it('holds every package a node runs, and none of the workstation build tools', () => {
    for (const p of REQUIRED_PACKAGES.filter((p) => !['gcc', 'libc6-dev', 'docker-registry'].includes(p))) assert.ok(NODE_PACKAGES.includes(p as never), p);
    for (const p of ['openssh-server', 'ca-certificates', 'util-linux']) assert.ok(NODE_PACKAGES.includes(p as never), p);
    for (const p of ['gcc', 'libc6-dev', 'systemd', 'docker.io']) assert.ok(!NODE_PACKAGES.includes(p as never), p);
  });

  it('runs mmdebstrap as root into a tar, with the overlay last and no host keys', () => {
    const args = mmdebstrapArgs({ target: '/c/x.tar', overlayDir: '/c/ov', debCacheDir: '/c/debs', sourcesFile: '/etc/apt/sources.list.d/debian.sources' }, inputs());
    assert.deepEqual(args.slice(0, 3), ['--variant=apt', '--mode=root', '--format=tar']);
    assert.equal(args.find((a) => a.startsWith('--include=')), `--include=${[...NODE_PACKAGES].sort().join(',')}`);
    assert.deepEqual(args.slice(-3), ['bookworm', '/c/x.tar', '/etc/apt/sources.list.d/debian.sources']);
    const hooks = args.filter((a) => a.startsWith('--customize-hook='));
    assert.equal(hooks[hooks.length - 1], '--customize-hook=sync-in /c/ov /');
    assert.ok(hooks.includes('--customize-hook=rm -f "$1"/etc/ssh/ssh_host_*'));
    assert.ok(args.includes('--setup-hook=sync-in /c/debs /var/cache/apt/archives'));
    assert.ok(args.includes('--customize-hook=sync-out /var/cache/apt/archives /c/debs'));
    // without a sources file mmdebstrap picks its own mirror
    assert.deepEqual(mmdebstrapArgs({ target: '/t', overlayDir: '/o', debCacheDir: '/d' }, inputs()).slice(-2), ['bookworm', '/t']);
  });

  it('starts machines with k8ts-init and lays out the project files', () => {
    assert.ok(IMPORT_CHANGES.includes('ENTRYPOINT ["/sbin/k8ts-init"]'));
    const files = overlayLayout(Buffer.from('init'), Buffer.from('boot'), Buffer.from('conf'));
    assert.deepEqual(files.map((f) => [f.path, f.mode.toString(8), f.data.toString()]), [
      ['sbin/k8ts-init', '755', 'init'],
      ['etc/k8ts/boot', '755', 'boot'],
      ['etc/ssh/sshd_config.d/k8ts.conf', '644', 'conf'],
    ]);
  });
});
