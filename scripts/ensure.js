#!/usr/bin/env node
// Runs before every npm script: installs node_modules when missing or older than the lockfile, and
// compiles TypeScript into dist/ when any source is newer than the last successful build. Plain JS,
// no dependencies, so it works on a fresh clone. Quick when nothing changed (a stat walk).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const rel = (p) => path.join(root, p);
const mtime = (p) => {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
};

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const sha256 = (file) => require('node:crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Installs when node_modules is missing or the lockfile changed since the last install. "Changed"
 * is by content (a hash kept in node_modules), so a fresh checkout's mtimes never force a
 * reinstall; without a recorded hash, npm's own marker must be at least as new as the lockfile.
 */
function ensureModules() {
  const lock = rel('package-lock.json');
  const marker = rel('node_modules/.package-lock.json');
  const hashFile = rel('node_modules/.k8ts-lock-hash');
  const hasLock = fs.existsSync(lock);
  let stale = !fs.existsSync(marker);
  if (!stale && hasLock) {
    const recorded = fs.existsSync(hashFile) ? fs.readFileSync(hashFile, 'utf8').trim() : undefined;
    stale = recorded !== undefined ? recorded !== sha256(lock) : mtime(marker) + 1000 < mtime(lock);
  }
  if (stale) {
    console.error(`[ensure] installing dependencies (${hasLock ? 'npm ci' : 'npm install'})`);
    const status = run('npm', hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
    if (status !== 0) process.exit(status);
  }
  if (hasLock && fs.existsSync(rel('node_modules'))) fs.writeFileSync(hashFile, sha256(lock) + '\n');
}

/** Newest mtime of any .ts/.proto/.json under the compiled folders (tsconfig "include"). */
function newestSource() {
  let newest = Math.max(mtime(rel('tsconfig.json')), mtime(rel('package.json')));
  let include = [];
  try {
    include = JSON.parse(fs.readFileSync(rel('tsconfig.json'), 'utf8')).include || [];
  } catch {
    include = [];
  }
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // a deleted file only shows as a newer directory mtime
    newest = Math.max(newest, mtime(dir));
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json|proto)$/.test(e.name)) newest = Math.max(newest, mtime(p));
    }
  };
  for (const inc of include) walk(rel(inc.replace(/\/\*\*.*$/, '')));
  return newest;
}

function ensureBuild() {
  const stamp = rel('dist/.build-stamp');
  if (fs.existsSync(stamp) && mtime(stamp) >= newestSource()) return;
  console.error('[ensure] compiling TypeScript (tsc -p tsconfig.json)');
  const started = Date.now();
  const status = run(process.execPath, [rel('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  if (status !== 0) {
    console.error('[ensure] tsc reported errors (see above)');
    if (process.env.K8TS_ALLOW_TSC_ERRORS !== '1') process.exit(status);
    return; // files were still emitted; no stamp, so the next run compiles again
  }
  fs.mkdirSync(rel('dist'), { recursive: true });
  // stamp time = build start: sources edited during the build count as newer
  fs.writeFileSync(stamp, new Date(started).toISOString() + '\n');
  fs.utimesSync(stamp, new Date(started), new Date(started));
}

ensureModules();
ensureBuild();
