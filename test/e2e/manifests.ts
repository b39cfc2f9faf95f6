// The demo application the end-to-end tests deploy: the README's example, the web image behind a
// NodePort Service.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';

export const webApp = fs.readFileSync(path.join(repoRoot(), 'deploy', 'examples', 'web.yaml'), 'utf8');
