import { strict as assert } from 'node:assert';
import { describeObject, eventsBlock } from './describe';
import { DescribeWriter } from './describe-writer';

const NOW = Date.parse('2025-01-01T12:00:00Z');

describe('cli describe printer', () => {
  it('aligns values per level and continues multi-line values', () => {
    const out = new DescribeWriter().kv(0, 'Name', 'web').kv(0, 'Labels', ['a=1', 'b=2']).section(0, 'Containers').kv(1, 'Image', 'x').kv(1, 'Restart Count', 0).toString();
    assert.equal(out, 'Name:    web\nLabels:  a=1\n         b=2\nContainers:\n  Image:          x\n  Restart Count:  0\n');
  });

  it('describes a pod with node, IP, containers and conditions, hiding the last-applied annotation', () => {
    const out = describeObject({
      kind: 'Pod',
      now: NOW,
      events: [],
      obj: {
        metadata: { name: 'web-1', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }] },
        spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'k8ts/web:1.0', ports: [{ containerPort: 8080 }] }] },
        status: {
          phase: 'Running',
          hostIP: '10.0.0.2',
          podIP: '10.244.1.5',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'web', ready: true, restartCount: 2, image: 'k8ts/web:1.0', imageID: 'sha256:1', state: { running: { startedAt: '2025-01-01T11:00:00Z' } } }],
        },
      },
    });
    assert.match(out, /^Name:\s+web-1\n/);
    assert.match(out, /\nAnnotations:\s+<none>\n/);
    assert.match(out, /\nNode:\s+node-1\/10\.0\.0\.2\n/);
    assert.match(out, /\nControlled By:\s+ReplicaSet\/web-abc\n/);
    assert.match(out, /\n {4}State:\s+Running\n {6}Started:\s+2025-01-01T11:00:00Z\n/);
    assert.match(out, /\n {4}Restart Count:\s+2\n/);
    assert.match(out, /\nConditions:\n {2}Type {3}Status\n {2}Ready {2}True\n/);
    assert.match(out, /\nEvents:  <none>\n$/);
  });

  it('lays out events oldest first with repeat counts', () => {
    const out = eventsBlock(
      [
        { metadata: {}, involvedObject: {}, type: 'Warning', reason: 'BackOff', message: 'restarting', count: 3, firstTimestamp: '2025-01-01T11:50:00Z', lastTimestamp: '2025-01-01T11:59:00Z', source: { component: 'kubelet' } },
        { metadata: {}, involvedObject: {}, type: 'Normal', reason: 'Scheduled', message: 'assigned', lastTimestamp: '2025-01-01T11:40:00Z', source: { component: 'default-scheduler' } },
      ],
      NOW,
    );
    assert.equal(
      out,
      'Events:\n' +
        '  Type     Reason     Age                From               Message\n' +
        '  ----     ------     ----               ----               -------\n' +
        '  Normal   Scheduled  20m                default-scheduler  assigned\n' +
        '  Warning  BackOff    60s (x3 over 10m)  kubelet            restarting\n',
    );
  });
});
