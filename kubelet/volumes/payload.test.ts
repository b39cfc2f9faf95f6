import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { configMapPayload, downwardAPIPayload, formatMap, secretPayload, validPayloadPath } from './payload';
import { decideHostPath } from './host-path';
import { parseMountPoints, tmpfsOptions } from './mounts';
import { payloadMatches, visibleNames } from './atomic-writer';

const text = (p: Map<string, { data: Buffer; mode: number }>) => Object.fromEntries([...p].map(([k, v]) => [k, [v.data.toString(), v.mode.toString(8)]]));

describe('volume payload planning', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { b: '2', a: 'x"y' }, annotations: { note: 'hi' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }] },
  };

  it('projects every configMap key (data and binaryData) with the default mode', () => {
    const p = configMapPayload({ name: 'v', configMap: { name: 'cm' } }, { data: { a: 'A' }, binaryData: { b: Buffer.from('B').toString('base64') } });
    assert.deepEqual(text(p), { a: ['A', '644'], b: ['B', '644'] });
  });

  it('honours items, per-item mode and defaultMode', () => {
    const p = configMapPayload(
      { name: 'v', configMap: { name: 'cm', defaultMode: 0o400, items: [{ key: 'a', path: 'dir/a.txt' }, { key: 'b', path: 'b', mode: 0o600 }] } },
      { data: { a: 'A', b: 'B', c: 'C' } },
    );
    assert.deepEqual(text(p), { 'dir/a.txt': ['A', '400'], b: ['B', '600'] });
  });

  it('fails on a missing object or key unless optional', () => {
    assert.throws(() => configMapPayload({ name: 'v', configMap: { name: 'cm' } }, undefined), /configmap "cm" not found/);
    assert.equal(configMapPayload({ name: 'v', configMap: { name: 'cm', optional: true } }, undefined).size, 0);
    assert.throws(() => configMapPayload({ name: 'v', configMap: { name: 'cm', items: [{ key: 'z', path: 'z' }] } }, { data: {} }), /key "z" not found/);
    assert.throws(() => secretPayload({ name: 'v', secret: { secretName: 's' } }, undefined), /secret "s" not found/);
  });

  it('decodes secret data from base64', () => {
    const p = secretPayload({ name: 'v', secret: { secretName: 's' } }, { data: { pw: Buffer.from('hunter2').toString('base64') } });
    assert.deepEqual(text(p), { pw: ['hunter2', '644'] });
  });

  it('rejects paths that escape the volume', () => {
    for (const bad of ['/abs', '../up', 'a/../b', '..data', '']) assert.equal(validPayloadPath(bad), false, bad);
    assert.equal(validPayloadPath('a/b.txt'), true);
    assert.throws(() => configMapPayload({ name: 'v', configMap: { name: 'cm', items: [{ key: 'a', path: '../x' }] } }, { data: { a: '1' } }), /invalid path/);
  });

  it('formats labels like Kubernetes: sorted, quoted values', () => {
    assert.equal(formatMap({ b: '2', a: 'x"y' }), 'a="x\\"y"\nb="2"');
  });

  it('renders downward API fields and resources with divisors and node defaults', () => {
    const items = [
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'note', fieldRef: { fieldPath: "metadata.annotations['note']" } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu-req', resourceFieldRef: { containerName: 'c', resource: 'requests.cpu', divisor: '1m' } },
      { path: 'cpu-limit', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
    ];
    const p = downwardAPIPayload({ name: 'v', downwardAPI: { items } }, pod, { cpu: '4', memory: '8Gi' });
    const got = Object.fromEntries([...p].map(([k, v]) => [k, v.data.toString()]));
    assert.deepEqual(got, { name: 'p', ns: 'ns', labels: 'a="x\\"y"\nb="2"', note: 'hi', mem: '64', 'cpu-req': '250', 'cpu-limit': '4' });
    assert.throws(() => downwardAPIPayload({ name: 'v', downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'spec.nope' } }] } }, pod, { cpu: '1', memory: '1' }), /unsupported fieldPath/);
  });

  it('decides hostPath actions by type', () => {
    assert.deepEqual(decideHostPath('/x', 'DirectoryOrCreate', 'missing'), { action: 'mkdir' });
    assert.deepEqual(decideHostPath('/x', 'FileOrCreate', 'missing'), { action: 'touch' });
    assert.deepEqual(decideHostPath('/x', '', 'missing'), { action: 'use' });
    assert.deepEqual(decideHostPath('/x', 'Directory', 'directory'), { action: 'use' });
    assert.equal(decideHostPath('/x', 'Directory', 'file').action, 'fail');
    assert.equal(decideHostPath('/x', 'File', 'missing').action, 'fail');
    assert.equal(decideHostPath('/x', 'Socket', 'socket').action, 'use');
    assert.equal(decideHostPath('/x', 'Bogus', 'file').action, 'fail');
  });

  it('parses mount points and tmpfs options', () => {
    const info = '22 1 0:21 / /run rw - tmpfs tmpfs rw\n30 22 0:40 / /var/lib/a\\040b rw - tmpfs tmpfs rw\n';
    assert.deepEqual(parseMountPoints(info), ['/run', '/var/lib/a b']);
    assert.equal(tmpfsOptions(), 'mode=0777');
    assert.equal(tmpfsOptions(1024), 'mode=0777,size=1024');
  });

  it('compares payloads and lists visible names', () => {
    const a = new Map([['x/y', { data: Buffer.from('1'), mode: 0o644 }], ['z', { data: Buffer.from('2'), mode: 0o644 }]]);
    assert.deepEqual([...visibleNames(a)], ['x', 'z']);
    assert.equal(payloadMatches(new Map(a), a), true);
    assert.equal(payloadMatches(new Map([['z', { data: Buffer.from('2'), mode: 0o644 }]]), a), false);
  });
});
