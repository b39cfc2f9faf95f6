// Pure: the order in which a terminating pod's containers are stopped. As upstream's kubelet does
// since sidecar containers: the app containers (and any regular init container still running)
// stop together first, so they can still use their sidecars (a proxy, a log shipper) while they
// shut down; then the sidecars one by one in the reverse of their order in the spec, so a sidecar
// started early (often what later ones depend on) goes last.
import type { Container } from '../../lib/api/types';
import type { ContainerInfo } from './cri-state';
import { isSidecar } from './pod-actions';

/** Waves of live containers: each wave is stopped once the one before it has stopped. */
export function terminationWaves(initContainers: Container[], live: ContainerInfo[]): ContainerInfo[][] {
  const sidecars = initContainers.filter(isSidecar).map((c) => c.name);
  const first = live.filter((c) => !sidecars.includes(c.name));
  const waves: ContainerInfo[][] = first.length ? [first] : [];
  for (const name of [...sidecars].reverse()) {
    const wave = live.filter((c) => c.name === name);
    if (wave.length) waves.push(wave);
  }
  return waves;
}
