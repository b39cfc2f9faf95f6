import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { ContainerConfigError, expandCommand, expandVars, resolveEnv, type EnvSources } from './env';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'x' } },
  spec: { nodeName: 'n1', containers: [] },
};
const src = (o: Partial<EnvSources> = {}): EnvSources => ({
  configMaps: new Map([['cm', { A: '1', 'bad name': 'x', B: '2' }]]),
  secrets: new Map([['s', { PASS: 'hunter2' }]]),
  podIP: '10.244.0.5',
  hostIP: '192.168.1.2',
  ...o,
});

describe('container env', () => {
  it('expands $(VAR), keeps unknown references and honours $$ escapes', () => {
    const env = new Map([['X', 'x']]);
    assert.equal(expandVars('a$(X)b $(Y) $$(X) $ $(', env), 'axb $(Y) $(X) $ $(');
  });

  it('builds envFrom with prefix, then env in order with valueFrom and expansion', () => {
    const c = {
      name: 'c',
      image: 'i',
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { secretRef: { name: 's' } }],
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'KEY', valueFrom: { configMapKeyRef: { name: 'cm', key: 'B' } } },
        { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'PASS' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'GREETING', value: 'hi $(NAME) on $(NODE)' },
        { name: 'CM_A', value: 'overridden' },
      ],
      resources: { limits: { memory: '64Mi' } },
      command: ['echo', '$(GREETING)'],
      args: ['$(SECRET)', '$$(SECRET)'],
    };
    const envs = resolveEnv(pod, c, src());
    const m = Object.fromEntries(envs.map((e) => [e.key, e.value]));
    assert.deepEqual(m, {
      CM_A: 'overridden', CM_B: '2', PASS: 'hunter2', NAME: 'p', NS: 'ns', UID: 'u-1', IP: '10.244.0.5', HOST: '192.168.1.2',
      NODE: 'n1', APP: 'x', KEY: '2', SECRET: 'hunter2', MEM: '64', GREETING: 'hi p on n1',
    });
    assert.deepEqual(expandCommand(c, envs), { command: ['echo', 'hi p on n1'], args: ['hunter2', '$(SECRET)'] });
  });

  it('a missing configMap, secret or key is a CreateContainerConfigError unless optional', () => {
    const missing = (env: unknown[]) => () => resolveEnv(pod, { name: 'c', image: 'i', env: env as never }, src());
    assert.throws(missing([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'A' } } }]), (e: unknown) => e instanceof ContainerConfigError && /configmap "nope" not found/.test(e.message));
    assert.throws(missing([{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'A' } } }]), /secret "nope" not found/);
    assert.throws(missing([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'Z' } } }]), /couldn't find key Z in ConfigMap ns\/cm/);
    assert.deepEqual(resolveEnv(pod, { name: 'c', image: 'i', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'A', optional: true } } }] }, src()), []);
  });
});
