// The supervisor as it runs on a node: a detached process of its own (started through launch.ts),
// supervising throwaway `sleep` units in a temp dir. Killing it leaves its units running; a new
// one adopts them (same pids, watched through /proc) and restarts them when they die.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSupervisor, liveStatus, send, shutdownSupervisor, supervisorPid, writeUnits } from '../../deploy/supervisor/launch';
import { alive, stopRecorded } from '../../deploy/supervisor/proc';
import type { SupervisorStatus, UnitStatus } from '../../deploy/supervisor/status';
import type { UnitSpec } from '../../deploy/supervisor/unit';
import { repoRoot } from '../../lib/repo-root';
import { waitFor } from '../harness/exec';

describe('supervisor process', function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-supproc-'));
  const run = path.join(dir, 'run');
  const logFile = path.join(dir, 'logs', 'supervisor.log');
  const script = path.join(repoRoot(), 'dist', 'deploy', 'supervisor', 'main.js');
  const unit = (name: string, argv: string[], after: string[] = []): UnitSpec => ({
    name,
    argv,
    after,
    logFile: path.join(dir, 'logs', `${name}.log`),
    pidFile: path.join(run, `${name}.pid`),
  });
  const units = [unit('first', ['sleep', '400']), unit('second', ['sleep', '401'], ['first'])];

  const status = async (): Promise<SupervisorStatus> => (await send(run, { cmd: 'status' })).status;
  const unitOf = (s: SupervisorStatus, name: string): UnitStatus => s.units.find((u) => u.name === name)!;
  const running = (name: string, notPid?: number) =>
    waitFor(`${name} running`, async () => {
      const u = unitOf(await status(), name);
      return u.state === 'running' && u.pid !== undefined && u.pid !== notPid && u;
    }, 30_000, 50);

  before(async () => {
    writeUnits(run, units);
    await ensureSupervisor({ dir: run, logFile, script });
  });

  after(async () => {
    await shutdownSupervisor(run);
    for (const u of units) await stopRecorded(u.pidFile, 2000);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs detached in a session of its own and restarts a unit killed with SIGKILL', async () => {
    const pid = supervisorPid(run)!;
    assert.ok(pid !== undefined && pid !== process.pid);
    // its own session: the session id in /proc/<pid>/stat (field 6) is its own pid
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]), pid);
    const before = await running('first');
    await running('second');
    process.kill(before.pid!, 'SIGKILL');
    const after = await running('first', before.pid);
    assert.equal(after.restarts, 1);
    assert.equal(after.lastExit?.signal, 'SIGKILL');
    assert.equal(after.lastDecision?.delayMs, 100);
    assert.match(fs.readFileSync(logFile, 'utf8'), /"msg":"restart scheduled"/);
  });

  it('leaves its units running when it is killed; a new supervisor adopts them and restarts resume', async () => {
    const old = supervisorPid(run)!;
    const before = await status();
    const pids = Object.fromEntries(before.units.map((u) => [u.name, u.pid!]));
    process.kill(old, 'SIGKILL');
    await waitFor('the supervisor to be gone', async () => !alive(old), 10_000, 50);
    assert.equal(await liveStatus(run), undefined);
    for (const name of Object.keys(pids)) assert.ok(alive(pids[name]), `${name} (pid ${pids[name]}) survives its supervisor`);

    const next = await ensureSupervisor({ dir: run, logFile, script });
    assert.ok(next.started && next.pid !== old);
    const adopted = await running('second');
    assert.equal(adopted.pid, pids.second);
    assert.equal(adopted.adopted, true);
    assert.equal(unitOf(await status(), 'first').pid, pids.first);
    assert.equal(unitOf(await status(), 'first').restarts, 1, 'the restart count of an adopted unit carries over');

    // not its child: the new supervisor sees the death through /proc only
    process.kill(pids.second, 'SIGKILL');
    const again = await running('second', pids.second);
    assert.equal(again.restarts, 1);
    assert.equal(again.adopted, false);
  });

  it('shuts down on request, leaving its units running', async () => {
    const s = await status();
    const stopped = await shutdownSupervisor(run);
    assert.equal(stopped, s.supervisor.pid);
    assert.equal(alive(s.supervisor.pid), false);
    for (const u of s.units) assert.ok(alive(u.pid!), `${u.name} still runs`);
  });
});
