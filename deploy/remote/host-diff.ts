// Deciding, on a host, what an apply must do: which files to write, which units to start, restart
// or remove — from the plan and what the host shows. Pure, so that "a second run changes nothing"
// and "restart only what changed" are table-tested rather than hoped for.
import type { DesiredFile, DesiredUnit } from './host-plan';

export interface ObservedHost {
  /** path → sha256 of the file's content and its mode (undefined: absent). */
  files: Record<string, { sha256: string; mode: number } | undefined>;
  /** unit → the hash it was last applied with. */
  appliedUnits: Record<string, string>;
  /** Units whose process runs now. */
  running: string[];
  /** The kubelet holds a usable client certificate (a worker that joined). */
  joined: boolean;
}

export interface HostActions {
  write: DesiredFile[];
  start: string[];
  restart: string[];
  /** Units applied before that the plan no longer has. */
  remove: string[];
  unchanged: string[];
}

export function fileDiffers(f: DesiredFile, seen: ObservedHost['files'][string], sha256: (s: string) => string): boolean {
  return !seen || seen.mode !== f.mode || seen.sha256 !== sha256(f.content);
}

export function planActions(files: DesiredFile[], units: DesiredUnit[], o: ObservedHost, sha256: (s: string) => string): HostActions {
  const write = files.filter((f) => (f.onlyToJoin ? !o.joined && fileDiffers(f, o.files[f.path], sha256) : fileDiffers(f, o.files[f.path], sha256)));
  const touched = new Set(write.flatMap((f) => f.usedBy));
  const start: string[] = [];
  const restart: string[] = [];
  const unchanged: string[] = [];
  for (const u of units) {
    const running = o.running.includes(u.name);
    if (!running) start.push(u.name);
    else if (o.appliedUnits[u.name] !== u.hash || touched.has(u.name as DesiredFile['usedBy'][number])) restart.push(u.name);
    else unchanged.push(u.name);
  }
  const wanted = new Set(units.map((u) => u.name));
  const remove = [...new Set([...Object.keys(o.appliedUnits), ...o.running])].filter((n) => !wanted.has(n)).sort();
  return { write, start, restart, remove, unchanged };
}

export function nothingToDo(a: HostActions): boolean {
  return a.write.length === 0 && a.start.length === 0 && a.restart.length === 0 && a.remove.length === 0;
}
