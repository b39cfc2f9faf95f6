#!/usr/bin/env node
// The `k8ts` CLI (`npx k8ts ...`): the compiled CLI lives in dist/cli (run `npm run build` first).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error(`k8ts: ${main} is missing; run "npm run build" in ${path.dirname(__dirname)}`);
  process.exit(1);
}
require(main);
