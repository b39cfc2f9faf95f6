// A lock shared by every process on this host (every worktree, test file and `npm run up`): the
// Docker daemon and the node image are per host, so two processes must not start or build them at
// once. The lock is a file created exclusively that holds its owner's pid; a file whose owner is
// gone is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class HostLockError extends Error {
  readonly code = 'HOST_LOCK_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'HostLockError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pure: may a lock file holding `content` be taken over? (its owner is not a live process) */
export function isStale(content: string, isAlive: (pid: number) => boolean): boolean {
  const pid = Number(content.trim());
  return !Number.isInteger(pid) || pid <= 0 || !isAlive(pid);
}

/** Waits for the lock at file (up to timeoutMs) and returns its release function. */
export async function acquireHostLock(file: string, what: string, timeoutMs = 15 * 60_000): Promise<() => void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let content = '';
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // released between our open and read
    }
    // A file just created may not hold its pid yet: only an old one counts as stale.
    const young = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 2_000;
    if (!young && isStale(content, alive)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new HostLockError(`${what}: lock ${file} still held by pid ${content.trim()} after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
