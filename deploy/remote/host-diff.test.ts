import { strict as assert } from 'node:assert';
import { nothingToDo, planActions, type ObservedHost } from './host-diff';
import type { DesiredFile, DesiredUnit } from './host-plan';

// a stand-in digest: the tests compare decisions, not hashing
const digest = (s: string) => `h(${s})`;
const file = (path: string, content: string, usedBy: DesiredFile['usedBy'], onlyToJoin = false): DesiredFile => ({ path, mode: 0o600, content, usedBy, ...(onlyToJoin ? { onlyToJoin } : {}) });
const unit = (name: string, hash: string): DesiredUnit => ({ name, argv: [name], logFile: `/l/${name}`, pidFile: `/p/${name}`, hash });

const FILES = [file('/c/containerd.toml', 'toml', ['containerd']), file('/c/kube-proxy.kubeconfig', 'kp', ['kube-proxy']), file('/c/boot.kubeconfig', 'token-2', ['kubelet'], true)];
const UNITS = [unit('containerd', 'A'), unit('kubelet', 'B'), unit('kube-proxy', 'C')];
const same = (f: DesiredFile) => ({ sha256: digest(f.content), mode: f.mode });
const settled: ObservedHost = {
  files: { '/c/containerd.toml': same(FILES[0]), '/c/kube-proxy.kubeconfig': same(FILES[1]), '/c/boot.kubeconfig': { sha256: digest('token-1'), mode: 0o600 } },
  appliedUnits: { containerd: 'A', kubelet: 'B', 'kube-proxy': 'C' },
  running: ['containerd', 'kubelet', 'kube-proxy'],
  joined: true,
};

describe('deploy/remote host diff', () => {
  const cases: { name: string; observed: ObservedHost; units?: DesiredUnit[]; want: { write: string[]; start: string[]; restart: string[]; remove: string[] } }[] = [
    { name: 'everything in place: nothing', observed: settled, want: { write: [], start: [], restart: [], remove: [] } },
    {
      name: 'a fresh host: every file, every unit started',
      observed: { files: {}, appliedUnits: {}, running: [], joined: false },
      want: { write: ['/c/containerd.toml', '/c/kube-proxy.kubeconfig', '/c/boot.kubeconfig'], start: ['containerd', 'kubelet', 'kube-proxy'], restart: [], remove: [] },
    },
    {
      name: 'a joined worker keeps its old bootstrap file: the new token is not written',
      observed: settled,
      want: { write: [], start: [], restart: [], remove: [] },
    },
    {
      name: 'a worker that has not joined gets the new token and its kubelet restarted',
      observed: { ...settled, joined: false },
      want: { write: ['/c/boot.kubeconfig'], start: [], restart: ['kubelet'], remove: [] },
    },
    {
      name: 'a file edited on the host is put back and its reader restarted',
      observed: { ...settled, files: { ...settled.files, '/c/kube-proxy.kubeconfig': { sha256: digest('edited'), mode: 0o600 } } },
      want: { write: ['/c/kube-proxy.kubeconfig'], start: [], restart: ['kube-proxy'], remove: [] },
    },
    {
      name: 'a mode changed is a difference too',
      observed: { ...settled, files: { ...settled.files, '/c/containerd.toml': { sha256: digest('toml'), mode: 0o644 } } },
      want: { write: ['/c/containerd.toml'], start: [], restart: ['containerd'], remove: [] },
    },
    {
      name: 'a new definition restarts that unit only',
      observed: settled,
      units: [unit('containerd', 'A'), unit('kubelet', 'B2'), unit('kube-proxy', 'C')],
      want: { write: [], start: [], restart: ['kubelet'], remove: [] },
    },
    {
      name: 'a unit that died is started, not restarted',
      observed: { ...settled, running: ['containerd', 'kube-proxy'] },
      want: { write: [], start: ['kubelet'], restart: [], remove: [] },
    },
    {
      name: 'a unit the plan no longer has is removed (running or only recorded)',
      observed: { ...settled, appliedUnits: { ...settled.appliedUnits, etcd: 'E' }, running: [...settled.running, 'scheduler'] },
      want: { write: [], start: [], restart: [], remove: ['etcd', 'scheduler'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = planActions(FILES, c.units ?? UNITS, c.observed, digest);
      assert.deepEqual({ write: a.write.map((f) => f.path), start: a.start, restart: a.restart, remove: a.remove }, c.want);
      assert.equal(nothingToDo(a), Object.values(c.want).every((v) => v.length === 0));
      assert.deepEqual([...a.start, ...a.restart, ...a.unchanged].sort(), (c.units ?? UNITS).map((u) => u.name).sort(), 'every unit is accounted for');
    });
  }
});
