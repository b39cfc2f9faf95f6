import assert from 'node:assert/strict';
import { container, nodeWith, podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import type { Pod } from '../../../lib/api/types';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { normalizeImageName } from './image-name';
import { ImageLocality, imageScore, plugin } from '.';

const MB = 1024 * 1024;
type Img = { names: string[]; sizeBytes: number };
const podImages = (images: string[], init: string[] = []): Pod =>
  podWith('p', { containers: images.map((image, i) => container(`c${i}`, { image })), initContainers: init.map((image, i) => container(`i${i}`, { image })) });

describe('plugin ImageLocality', () => {
  const nginx = (size: number): Img => ({ names: ['docker.io/library/nginx:latest', 'docker.io/library/nginx@sha256:aaa'], sizeBytes: size });
  const cases: { title: string; pod: Pod; nodes: Img[][]; want: number[] }[] = [
    { title: 'no images anywhere', pod: podImages(['nginx']), nodes: [[], []], want: [0, 0] },
    { title: 'short name matches the node’s full name; on the only node', pod: podImages(['nginx']), nodes: [[nginx(500 * MB)]], want: [48] },
    { title: 'on one of two nodes: size halved by the spread', pod: podImages(['nginx:latest']), nodes: [[nginx(500 * MB)], []], want: [23, 0] },
    { title: 'below 23 MB scores 0', pod: podImages(['nginx']), nodes: [[nginx(10 * MB)]], want: [0] },
    { title: 'above 1000 MB per container is clamped to 100', pod: podImages(['nginx']), nodes: [[nginx(2000 * MB)]], want: [100] },
    { title: 'another tag does not match', pod: podImages(['nginx:1.25']), nodes: [[nginx(500 * MB)]], want: [0] },
    { title: 'digest reference matches', pod: podImages(['nginx@sha256:aaa']), nodes: [[nginx(500 * MB)]], want: [48] },
    {
      title: 'two containers: sums both images against 2 × 1000 MB',
      pod: podImages(['nginx', 'registry.example.com/app:v1']),
      nodes: [[nginx(500 * MB), { names: ['registry.example.com/app:v1'], sizeBytes: 300 * MB }], [{ names: ['registry.example.com/app:v1'], sizeBytes: 300 * MB }]],
      want: [26, 14], // node 0: 500/2 + 300 = 550 MB of 2000; node 1: 300 MB of 2000
    },
    { title: 'init containers count too', pod: podImages(['busybox'], ['nginx']), nodes: [[nginx(500 * MB)]], want: [24] },
    { title: 'on one of three nodes', pod: podImages(['nginx']), nodes: [[{ names: ['nginx'], sizeBytes: 300 * MB }], [], []], want: [7, 0, 0] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const infos = c.nodes.map((images, i) => new NodeInfo(nodeWith(`n${i}`, { images })));
      // The snapshot counts nodes by normalized name, as the cache is meant to.
      const count = (image: string) => infos.filter((n) => (n.node.status?.images ?? []).some((i) => i.names.some((x) => normalizeImageName(x) === image))).length;
      const pl = plugin.factory(undefined, fakeHandle(infos, { imageNumNodes: count })) as ImageLocality;
      assert.deepEqual(
        infos.map((n) => pl.score(new CycleState(), c.pod, n)),
        c.want,
      );
    });
  }

  it('falls back to the node’s own names when the snapshot counts raw names', () => {
    const infos = [new NodeInfo(nodeWith('n0', { images: [{ names: ['nginx:latest'], sizeBytes: 500 * MB }] })), new NodeInfo(nodeWith('n1'))];
    const pl = new ImageLocality(fakeHandle(infos)); // counts by exact reported name: 0 for the normalized one
    assert.equal(pl.score(new CycleState(), podImages(['nginx']), infos[0]), 23);
  });

  it('imageScore clamps and scales', () => {
    assert.equal(imageScore(0, 1), 0);
    assert.equal(imageScore(1000 * MB, 1), 100);
    assert.equal(imageScore(5000 * MB, 3), 100);
  });
});

describe('normalizeImageName', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost:5000/web', 'localhost:5000/web:latest'],
    ['localhost/web:1.0', 'localhost/web:1.0'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
    ['k8ts/web:1.0', 'docker.io/k8ts/web:1.0'],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(normalizeImageName(input), want));
});
