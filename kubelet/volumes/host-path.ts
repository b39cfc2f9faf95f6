// hostPath type checks (Kubernetes HostPathType): decide from what exists at the path, then act.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

export type PathKind = 'missing' | 'directory' | 'file' | 'socket' | 'char' | 'block' | 'other';

export type HostPathDecision = { action: 'use' } | { action: 'mkdir' } | { action: 'touch' } | { action: 'fail'; message: string };

/** Pure: what to do for a hostPath of this type given what is there now. */
export function decideHostPath(p: string, type: string | undefined, kind: PathKind): HostPathDecision {
  const want = (k: PathKind, what: string): HostPathDecision => (kind === k ? { action: 'use' } : { action: 'fail', message: `hostPath type check failed: ${p} is not a ${what}` });
  switch (type ?? '') {
    case '':
      return { action: 'use' };
    case 'DirectoryOrCreate':
      if (kind === 'missing') return { action: 'mkdir' };
      return want('directory', 'directory');
    case 'Directory':
      return want('directory', 'directory');
    case 'FileOrCreate':
      if (kind === 'missing') return { action: 'touch' };
      return want('file', 'file');
    case 'File':
      return want('file', 'file');
    case 'Socket':
      return want('socket', 'socket');
    case 'CharDevice':
      return want('char', 'character device');
    case 'BlockDevice':
      return want('block', 'block device');
    default:
      return { action: 'fail', message: `unknown hostPath type "${type}"` };
  }
}

export function pathKind(p: string): PathKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

/** Applies the decision; returns an error message or undefined. */
export function prepareHostPath(p: string, type: string | undefined): string | undefined {
  const d = decideHostPath(p, type, pathKind(p));
  if (d.action === 'fail') return d.message;
  if (d.action === 'mkdir') fs.mkdirSync(p, { recursive: true, mode: 0o755 });
  if (d.action === 'touch') {
    // Like Kubernetes, FileOrCreate does not create the parent directory.
    if (pathKind(path.dirname(p)) !== 'directory') return `hostPath type check failed: parent directory of ${p} does not exist`;
    fs.writeFileSync(p, '', { mode: 0o644, flag: 'a' });
  }
  return undefined;
}
