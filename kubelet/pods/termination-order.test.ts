import { strict as assert } from 'node:assert';
import type { ContainerInfo } from './cri-state';
import { terminationWaves } from './termination-order';

const live = (id: string, name: string): ContainerInfo => ({ id, sandboxId: 's', name, attempt: 0, state: 'CONTAINER_RUNNING', createdAt: 1, startedAt: 1, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'i', imageRef: 'r' });
const side = (name: string) => ({ name, image: 'i', restartPolicy: 'Always' as const });

describe('terminationWaves', () => {
  const cases: { name: string; inits: { name: string; image: string; restartPolicy?: 'Always' }[]; live: ContainerInfo[]; waves: string[][] }[] = [
    { name: 'no sidecars: everything at once', inits: [], live: [live('1', 'a'), live('2', 'b')], waves: [['a', 'b']] },
    { name: 'app first, then sidecars in reverse order', inits: [side('s1'), { name: 'i', image: 'i' }, side('s2')], live: [live('1', 's1'), live('2', 's2'), live('3', 'a')], waves: [['a'], ['s2'], ['s1']] },
    { name: 'a running regular init container goes with the app wave', inits: [side('s1'), { name: 'i', image: 'i' }], live: [live('1', 's1'), live('2', 'i')], waves: [['i'], ['s1']] },
    { name: 'only sidecars left', inits: [side('s1'), side('s2')], live: [live('1', 's1')], waves: [['s1']] },
    { name: 'nothing live: no wave', inits: [side('s1')], live: [], waves: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(terminationWaves(c.inits, c.live).map((w) => w.map((x) => x.name)), c.waves));
});
