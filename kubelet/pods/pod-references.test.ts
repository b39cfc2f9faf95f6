// referencedObjects: every field through which a pod names a ConfigMap or Secret.
import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { referencedObjects, refKey } from './pod-references';

const pod = (spec: Record<string, unknown>, namespace = 'ns1'): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace, uid: 'u1' }, spec: { containers: [], ...spec } }) as Pod;

describe('referencedObjects', () => {
  const cases: { name: string; spec: Record<string, unknown>; want: string[]; namespace?: string }[] = [
    { name: 'no references', spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: 'x' }] }] }, want: [] },
    { name: 'configMap volume', spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] }, want: ['ConfigMap/ns1/cm'] },
    { name: 'secret volume', spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] }, want: ['Secret/ns1/s'] },
    {
      name: 'projected sources',
      spec: { volumes: [{ name: 'v', projected: { sources: [{ configMap: { name: 'pcm' } }, { secret: { name: 'ps' } }, { downwardAPI: { items: [] } }] } }] },
      want: ['ConfigMap/ns1/pcm', 'Secret/ns1/ps'],
    },
    {
      name: 'env valueFrom keyRefs',
      spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'b' } } }, { name: 'C', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] },
      want: ['ConfigMap/ns1/cm', 'Secret/ns1/s'],
    },
    {
      name: 'envFrom refs',
      spec: { containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's' }, prefix: 'S_' }] }] },
      want: ['ConfigMap/ns1/cm', 'Secret/ns1/s'],
    },
    {
      name: 'init containers',
      spec: { initContainers: [{ name: 'i', image: 'i', envFrom: [{ secretRef: { name: 'init-s' } }] }] },
      want: ['Secret/ns1/init-s'],
    },
    { name: 'imagePullSecrets', spec: { imagePullSecrets: [{ name: 'pull' }, {}] }, want: ['Secret/ns1/pull'] },
    {
      name: 'duplicates collapse; same name of both kinds stays apart',
      spec: {
        volumes: [{ name: 'v', configMap: { name: 'x' } }, { name: 'w', secret: { secretName: 'x' } }],
        containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'x' } }], env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'x', key: 'k' } } }] }],
      },
      want: ['ConfigMap/ns1/x', 'Secret/ns1/x'],
    },
    { name: 'the pod namespace', namespace: 'other', spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] }, want: ['ConfigMap/other/cm'] },
    { name: 'empty names ignored', spec: { volumes: [{ name: 'v', configMap: {} }, { name: 'e', emptyDir: {} }] }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(referencedObjects(pod(c.spec, c.namespace)).map(refKey), c.want);
    });
  }
});
