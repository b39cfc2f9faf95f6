// `node dist/deploy/images/main.js [outDir]`: builds the project images (default .cluster/images).
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import { buildImages } from './build-images';

const outDir = process.argv[2] ?? path.join(process.env.K8TS_HOME ?? path.join(repoRoot(), '.cluster'), 'images');
buildImages(outDir).then(
  (r) => console.log(`${r.pause}\n${r.web}`),
  (e) => {
    console.error(`image build failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
