import assert from 'node:assert/strict';
import { podWith, queued } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { plugin, podPriority, PrioritySort } from '.';

describe('plugin PrioritySort', () => {
  const sort = new PrioritySort();
  const cases: { title: string; a: [number | undefined, number]; b: [number | undefined, number]; want: boolean }[] = [
    { title: 'higher priority first', a: [100, 2], b: [10, 1], want: true },
    { title: 'lower priority after', a: [10, 1], b: [100, 2], want: false },
    { title: 'equal priority: earlier timestamp first', a: [5, 1], b: [5, 2], want: true },
    { title: 'equal priority: later timestamp after', a: [5, 2], b: [5, 1], want: false },
    { title: 'equal priority and timestamp: not less', a: [5, 1], b: [5, 1], want: false },
    { title: 'unset priority counts as 0', a: [undefined, 1], b: [-1, 0], want: true },
    { title: 'negative below unset', a: [-5, 0], b: [undefined, 9], want: false },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const a = queued(podWith('a', c.a[0] === undefined ? {} : { priority: c.a[0] }), c.a[1]);
      const b = queued(podWith('b', c.b[0] === undefined ? {} : { priority: c.b[0] }), c.b[1]);
      assert.equal(sort.less(a, b), c.want);
    });
  }

  it('sorts a queue: priority descending, then FIFO', () => {
    const items = [queued(podWith('low', { priority: 1 }), 1), queued(podWith('hi-late', { priority: 9 }), 5), queued(podWith('hi-early', { priority: 9 }), 3), queued(podWith('none'), 0)];
    items.sort((x, y) => (sort.less(x, y) ? -1 : sort.less(y, x) ? 1 : 0));
    assert.deepEqual(
      items.map((i) => i.podInfo.pod.metadata.name),
      ['hi-early', 'hi-late', 'low', 'none'],
    );
  });

  it('podPriority ignores non-numbers', () => {
    assert.equal(podPriority(podWith('p', { priority: '7' })), 0);
    assert.equal(podPriority(podWith('p', { priority: 7 })), 7);
  });

  it('factory builds the plugin under its upstream name', () => {
    const p = plugin.factory(undefined, fakeHandle());
    assert.equal(plugin.name, 'PrioritySort');
    assert.equal(p.name, 'PrioritySort');
    assert.equal(typeof p.less, 'function');
  });
});
