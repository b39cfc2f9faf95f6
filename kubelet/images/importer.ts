// Air-gap image import: every *.tar in the node's image dir is imported into containerd's k8s.io
// namespace (docker-archive or OCI layout). Archives already imported are remembered by
// name+size+mtime in a small JSON file under the kubelet root, so restarts do not re-import.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export class ImageImportError extends Error {
  readonly code = 'IMAGE_IMPORT_FAILED';
  constructor(readonly file: string, message: string) {
    super(`import ${file}: ${message}`);
    this.name = 'ImageImportError';
  }
}

export interface ArchiveInfo {
  name: string;
  size: number;
  mtimeMs: number;
}

export const fingerprint = (a: ArchiveInfo): string => `${a.name}:${a.size}:${Math.floor(a.mtimeMs)}`;

/** Pure: the archives in dir listing that are not in the imported set, sorted by name. */
export function archivesToImport(listing: ArchiveInfo[], imported: Set<string>): ArchiveInfo[] {
  return listing
    .filter((a) => a.name.endsWith('.tar') && !imported.has(fingerprint(a)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function listArchives(dir: string): ArchiveInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: ArchiveInfo[] = [];
  for (const name of names) {
    if (!name.endsWith('.tar')) continue;
    try {
      const st = fs.statSync(path.join(dir, name));
      if (st.isFile()) out.push({ name, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      /* vanished between readdir and stat */
    }
  }
  return out;
}

/** Imports one archive through ctr (image import only; pods never go through ctr). */
export async function importArchive(socket: string, file: string): Promise<string> {
  try {
    const { stdout } = await execFileP(
      'ctr',
      ['--address', socket.replace(/^unix:\/\//, ''), '-n', 'k8s.io', 'images', 'import', file],
      { timeout: 300_000 },
    );
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new ImageImportError(file, (err.stderr || err.message).trim());
  }
}

export class ImageDirImporter {
  private readonly stateFile: string;
  private imported = new Set<string>();

  constructor(private readonly imageDir: string, rootDir: string, private readonly socket: string) {
    this.stateFile = path.join(rootDir, 'imported-images.json');
    try {
      this.imported = new Set(JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as string[]);
    } catch {
      this.imported = new Set();
    }
  }

  /** Imports every new archive; returns the names imported. Failures are thrown after the others ran. */
  async sync(): Promise<string[]> {
    const todo = archivesToImport(listArchives(this.imageDir), this.imported);
    const done: string[] = [];
    const errors: Error[] = [];
    for (const a of todo) {
      try {
        await importArchive(this.socket, path.join(this.imageDir, a.name));
        this.imported.add(fingerprint(a));
        done.push(a.name);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    if (done.length > 0) this.save();
    if (errors.length > 0) throw errors[0];
    return done;
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = this.stateFile + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify([...this.imported].sort()));
    fs.renameSync(tmp, this.stateFile);
  }
}
