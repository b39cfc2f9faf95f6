// `version`: this CLI's version and, unless --client, the server's /version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ctx } from './context';

/** The k8ts package version, found by walking up from this file (works from cli/ and dist/cli/). */
export function clientVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'k8ts') return `v${pkg.version}`;
    } catch {
      /* keep walking */
    }
    dir = path.dirname(dir);
  }
  return 'v0.0.0-unknown';
}

export async function runVersion(ctx: Ctx | undefined, io: { stdout(s: string): void }): Promise<void> {
  io.stdout(`Client Version: ${clientVersion()}\n`);
  if (!ctx) return;
  const v = await ctx.client.get('/version');
  io.stdout(`Server Version: ${v?.gitVersion ?? 'unknown'}\n`);
}
