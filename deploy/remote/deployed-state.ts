// What the last deploy left in the state folder (deployed.json): the cluster, its control plane,
// the bundle and every host with its SSH coordinates and the labels the deploy set — so that a
// later run knows which hosts left the inventory (and how to reach them to uninstall), and which
// labels it set before.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Role, SshTarget } from './inventory';

/** What the last deploy left, so that a later one knows which hosts left the inventory. */
export interface DeployedState {
  cluster: string;
  controlPlane: string;
  bundle: string;
  hosts: { address: string; nodeIp: string; nodeName: string; role: Role; ssh: SshTarget; labels: Record<string, string> }[];
}

export const defaultStateDir = (cluster: string): string => path.join(os.homedir(), '.k8ts', cluster);
export const deployedFile = (state: string) => path.join(state, 'deployed.json');
export const adminKubeconfigPath = (state: string): string => path.join(state, 'admin.kubeconfig');

export function loadDeployed(state: string): DeployedState | undefined {
  try {
    return JSON.parse(fs.readFileSync(deployedFile(state), 'utf8')) as DeployedState;
  } catch {
    return undefined;
  }
}

export function saveDeployed(state: string, s: DeployedState): void {
  const tmp = `${deployedFile(state)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
  fs.renameSync(tmp, deployedFile(state));
}
