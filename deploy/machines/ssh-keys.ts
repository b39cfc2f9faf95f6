// The per-cluster SSH key pair: made once in the cluster's state folder, its public half put on
// every machine, its private half what `k8ts deploy` logs in with (as an inventory names a key).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';

export interface ClusterKey {
  privateKeyPath: string;
  /** One OpenSSH public key line. */
  publicKey: string;
}

export function ensureClusterKey(dir: string, comment: string): ClusterKey {
  const privateKeyPath = path.join(dir, 'id_ed25519');
  const publicPath = `${privateKeyPath}.pub`;
  if (!fs.existsSync(privateKeyPath) || !fs.existsSync(publicPath)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    // private key first, with its mode from the start; the public half marks the pair complete
    fs.writeFileSync(`${privateKeyPath}.tmp`, pair.private, { mode: 0o600 });
    fs.renameSync(`${privateKeyPath}.tmp`, privateKeyPath);
    fs.writeFileSync(publicPath, pair.public.trim() + '\n', { mode: 0o644 });
  }
  return { privateKeyPath, publicKey: fs.readFileSync(publicPath, 'utf8').trim() };
}
