import { strict as assert } from 'node:assert';
import { fallbackTable, formatCell, formatLabels, humanDuration, renderTable, type Table } from './table';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

const PODS: Table = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name' },
    { name: 'Ready', type: 'string' },
    { name: 'Status', type: 'string' },
    { name: 'Restarts', type: 'integer' },
    { name: 'Age', type: 'string', format: 'date' },
    { name: 'IP', type: 'string', priority: 1 },
    { name: 'Node', type: 'string', priority: 1 },
  ],
  rows: [
    { cells: ['web-7d9f-abcde', '1/1', 'Running', 0, ago(300), '10.244.1.5', 'node-1'], object: { metadata: { namespace: 'default', labels: { app: 'web', 'pod-template-hash': '7d9f' } } } },
    { cells: ['db-0', '0/1', 'Pending', 12, ago(90000), null, null], object: { metadata: { namespace: 'data' } } },
  ],
};

describe('cli table printer', () => {
  const durations: [number, string][] = [
    [-5, '<invalid>'],
    [0, '0s'],
    [59, '59s'],
    [119, '119s'],
    [120, '2m'],
    [200, '3m20s'],
    [600, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 600, '5h10m'],
    [20 * 3600, '20h'],
    [50 * 3600, '2d2h'],
    [3 * 86400, '3d'],
    [40 * 86400, '40d'],
    [800 * 86400, '2y70d'],
    [9 * 365 * 86400, '9y'],
  ];
  for (const [s, want] of durations) it(`ages ${s}s as ${want}`, () => assert.equal(humanDuration(s * 1000), want));

  it('prints aligned columns like kubectl', () => {
    const out = renderTable(PODS, { wide: false, showLabels: false, withNamespace: false, now: NOW });
    assert.equal(
      out,
      'NAME             READY   STATUS    RESTARTS   AGE\n' +
        'web-7d9f-abcde   1/1     Running   0          5m\n' +
        'db-0             0/1     Pending   12         25h\n',
    );
  });

  it('adds priority-1 columns with -o wide, <none> for null cells', () => {
    const out = renderTable(PODS, { wide: true, showLabels: false, withNamespace: false, now: NOW }).split('\n');
    assert.equal(out[0], 'NAME             READY   STATUS    RESTARTS   AGE   IP           NODE');
    assert.equal(out[2], 'db-0             0/1     Pending   12         25h   <none>       <none>');
  });

  it('adds NAMESPACE first with -A and LABELS last with --show-labels', () => {
    const out = renderTable(PODS, { wide: false, showLabels: true, withNamespace: true, now: NOW }).split('\n');
    assert.equal(out[0], 'NAMESPACE   NAME             READY   STATUS    RESTARTS   AGE   LABELS');
    assert.equal(out[1], 'default     web-7d9f-abcde   1/1     Running   0          5m    app=web,pod-template-hash=7d9f');
    assert.equal(out[2], 'data        db-0             0/1     Pending   12         25h   <none>');
  });

  it('prefixes names when several types print together', () => {
    const out = renderTable(PODS, { wide: false, showLabels: false, withNamespace: false, namePrefix: 'pod/', now: NOW });
    assert.match(out.split('\n')[1], /^pod\/web-7d9f-abcde {3}/);
  });

  it('formats cells', () => {
    assert.equal(formatCell(undefined, undefined, NOW), '<none>');
    assert.equal(formatCell(['a', 'b'], undefined, NOW), 'a,b');
    assert.equal(formatCell(true, undefined, NOW), 'true');
    assert.equal(formatCell('5m', { name: 'Age', type: 'date' }, NOW), '5m', 'server-formatted ages pass through');
    assert.equal(formatCell(ago(30), { name: 'Age', type: 'date' }, NOW), '30s');
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
  });

  it('builds a NAME/AGE table when the server sends plain objects', () => {
    const out = renderTable(fallbackTable([{ metadata: { name: 'x', creationTimestamp: ago(10) } }]), { wide: false, showLabels: false, withNamespace: false, now: NOW });
    assert.equal(out, 'NAME   AGE\nx      10s\n');
  });
});
