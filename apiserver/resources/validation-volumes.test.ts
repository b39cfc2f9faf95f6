import assert from 'node:assert/strict';
import { volumes } from './validation-volumes';
import { volumeDevices, volumeMounts } from './validation-mounts';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const V = 'spec.volumes';

describe('validation-volumes', () => {
  const cases: [string, unknown, string[]][] = [
    ['emptyDir', { name: 'a', emptyDir: { sizeLimit: '1Gi' } }, []],
    ['emptyDir bad size', { name: 'a', emptyDir: { sizeLimit: '1Gb' } }, [`${V}[0].emptyDir.sizeLimit: Invalid value: "1Gb": quantities must match the regular expression`]],
    ['emptyDir negative size', { name: 'a', emptyDir: { sizeLimit: '-1Gi' } }, [`${V}[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity`]],
    ['no source', { name: 'a' }, [`${V}[0]: Required value: must specify a volume type`]],
    ['two sources', { name: 'a', emptyDir: {}, hostPath: { path: '/x' } }, [`${V}[0].hostPath: Forbidden: may not specify more than 1 volume type`]],
    ['bad name', { name: 'A_b', emptyDir: {} }, [`${V}[0].name: Invalid value: "A_b": a lowercase RFC 1123 label`]],
    ['missing name', { emptyDir: {} }, [`${V}[0].name: Required value`]],
    ['hostPath backsteps', { name: 'a', hostPath: { path: '/var/../etc' } }, [`${V}[0].hostPath.path: Invalid value: "/var/../etc": must not contain '..'`]],
    ['hostPath type', { name: 'a', hostPath: { path: '/x', type: 'Dir' } }, [`${V}[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`]],
    ['secret items', { name: 'a', secret: { secretName: 's', defaultMode: 0o1000, items: [{ key: 'k', path: '/abs' }, { key: 'k', path: '..x' }] } }, [
      `${V}[0].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive`,
      `${V}[0].secret.items[0].path: Invalid value: "/abs": must be a relative path`,
      `${V}[0].secret.items[1].path: Invalid value: "..x": must not start with '..'`,
    ]],
    ['configMap name required', { name: 'a', configMap: {} }, [`${V}[0].configMap.name: Required value`]],
    ['claim name required', { name: 'a', persistentVolumeClaim: {} }, [`${V}[0].persistentVolumeClaim.claimName: Required value`]],
    ['downward API item (upstream reports it under the source)', { name: 'a', downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'spec.nodeName' } }] } }, [
      `${V}[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"`,
    ]],
    ['projected token expiry', { name: 'a', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 60 } }] } }, [
      `${V}[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes`,
    ]],
    ['nfs relative path', { name: 'a', nfs: { server: 's', path: 'x' } }, [`${V}[0].nfs.path: Invalid value: "x": must be an absolute path`]],
    ['ephemeral claim storage', { name: 'a', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 'lots' } } } } } }, [
      `${V}[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Invalid value: "lots": quantities must match the regular expression`,
    ]],
    ['legacy sources are counted but not checked', { name: 'a', rbd: { monitors: [] } }, []],
  ];
  for (const [name, v, want] of cases)
    it(`volume: ${name}`, () => {
      const got = msgs(volumes([v], V).errs);
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  it('names are unique and only valid volumes can be mounted', () => {
    const r = volumes([{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }, { name: 'b' }], V);
    assert.deepEqual(msgs(r.errs), [`${V}[1].name: Duplicate value: "a"`, `${V}[2]: Required value: must specify a volume type`]);
    assert.deepEqual([...r.byName.keys()], ['a']);
  });

  const vols = new Map([['data', 'persistentVolumeClaim'], ['scratch', 'emptyDir'], ['oci', 'image']]);
  const M = 'spec.containers[0].volumeMounts';
  const mounts: [string, unknown[], string[]][] = [
    ['valid', [{ name: 'data', mountPath: '/data', subPath: 'web' }], []],
    ['unknown volume', [{ name: 'nope', mountPath: '/x' }], [`${M}[0].name: Not found: "nope"`]],
    ['missing path', [{ name: 'data' }], [`${M}[0].mountPath: Required value`]],
    ['duplicate path', [{ name: 'data', mountPath: '/x' }, { name: 'scratch', mountPath: '/x' }], [`${M}[1].mountPath: Invalid value: "/x": must be unique`]],
    ['absolute subPath (upstream path has no index)', [{ name: 'data', mountPath: '/x', subPath: '/abs' }], [`${M}.subPath: Invalid value: "/abs": must be a relative path`]],
    ['subPath backsteps', [{ name: 'data', mountPath: '/x', subPath: 'a/../../b' }], [`${M}.subPath: Invalid value: "a/../../b": must not contain '..'`]],
    ['subPath and subPathExpr', [{ name: 'data', mountPath: '/x', subPath: 'a', subPathExpr: 'b' }], [`${M}[0].subPathExpr: Invalid value: "b": subPathExpr and subPath are mutually exclusive`]],
    ['image volume subPath', [{ name: 'oci', mountPath: '/x', subPath: 'a' }], [`${M}[0].subPath: Invalid value: "a": not allowed in image volume sources`]],
    ['propagation', [{ name: 'data', mountPath: '/x', mountPropagation: 'Both' }], [`${M}.mountPropagation: Unsupported value: "Both": supported values: "Bidirectional", "HostToContainer", "None"`]],
    ['bidirectional unprivileged', [{ name: 'data', mountPath: '/x', mountPropagation: 'Bidirectional' }], [`${M}.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers`]],
    ['recursive read-only needs readOnly', [{ name: 'data', mountPath: '/x', recursiveReadOnly: 'Enabled' }], [`${M}.recursiveReadOnly: Forbidden: may only be specified when readOnly is true`]],
  ];
  for (const [name, list, want] of mounts)
    it(`mount: ${name}`, () => {
      const got = msgs(volumeMounts({ volumeMounts: list }, vols, M));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  it('devices come from claims and do not clash with mounts', () => {
    const D = 'spec.containers[0].volumeDevices';
    assert.deepEqual(volumeDevices({ volumeDevices: [{ name: 'data', devicePath: '/dev/xvda' }] }, vols, D), []);
    assert.deepEqual(msgs(volumeDevices({ volumeDevices: [{ name: 'scratch', devicePath: '/dev/../x' }], volumeMounts: [{ name: 'scratch', mountPath: '/m' }] }, vols, D)), [
      `${D}[0].name: Invalid value: "scratch": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`,
      `${D}[0].devicePath: Invalid value: "/dev/../x": can not contain backsteps ('..')`,
      `${D}[0].name: Invalid value: "scratch": must not already exist in volumeMounts`,
    ]);
  });
});
