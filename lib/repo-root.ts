// Finds the repository root (the folder holding package.json named k8ts), whether code runs from
// the TypeScript sources (tsx) or from dist/ (compiled), so non-TS inputs like pause.c are found.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'k8ts') return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`k8ts repository root not found above ${from}`);
    dir = up;
  }
}
