import assert from 'node:assert/strict';
import { Counter, Histogram } from '../lib/metrics/prometheus';
import { busiest, diffHistograms, failedCalls, histogramQuantile, METRIC, parseDurationHistogram, sloClass, sloReport } from './scale-metrics';

const BOUNDS = [0.1, 0.5, 1, 5, 30, 60];

/** The real Histogram's rendering, so the parser reads what the apiserver serves. */
function render(observations: [verb: string, resource: string, subresource: string, seconds: number][]): string {
  const h = new Histogram(METRIC, 'test', BOUNDS);
  for (const [verb, resource, subresource, s] of observations) h.observe({ verb, group: '', resource, subresource }, s);
  return h.render();
}

const times = (n: number, o: [string, string, string, number]) => Array.from({ length: n }, () => o);

describe('bench:scale metrics', () => {
  it('parses the rendered histogram into cumulative series per verb and resource', () => {
    const m = parseDurationHistogram(render([['POST', 'pods', '', 0.05], ['POST', 'pods', '', 0.7], ['GET', 'nodes', '', 2]]));
    assert.equal(m.size, 2);
    const post = m.get('POST||pods|')!;
    assert.deepEqual(post.buckets.map((b) => b.count), [1, 1, 2, 2, 2, 2, 2]);
    assert.equal(post.buckets[post.buckets.length - 1].le, Infinity);
    assert.equal(m.get('GET||nodes|')!.resource, 'nodes');
  });

  const cases: { name: string; q: number; buckets: { le: number; count: number }[]; want: number | undefined }[] = [
    { name: 'no observations', q: 0.99, buckets: [{ le: 1, count: 0 }, { le: Infinity, count: 0 }], want: undefined },
    { name: 'all in the first bucket: linear from 0', q: 0.5, buckets: [{ le: 1, count: 10 }, { le: Infinity, count: 10 }], want: 0.5 },
    { name: 'rank inside a later bucket', q: 0.99, buckets: [{ le: 0.1, count: 90 }, { le: 1, count: 100 }, { le: Infinity, count: 100 }], want: 0.1 + 0.9 * 0.9 },
    { name: 'rank in +Inf: the largest finite bound', q: 0.99, buckets: [{ le: 0.1, count: 1 }, { le: 60, count: 2 }, { le: Infinity, count: 100 }], want: 60 },
  ];
  for (const c of cases) {
    it(`histogramQuantile: ${c.name}`, () => {
      const got = histogramQuantile(c.q, c.buckets);
      if (c.want === undefined) assert.equal(got, undefined);
      else assert.ok(Math.abs(got! - c.want) < 1e-9, `${got} ≠ ${c.want}`);
    });
  }

  const classes: { verb: string; subresource: string; want: string | undefined }[] = [
    { verb: 'POST', subresource: '', want: 'mutating' },
    { verb: 'PUT', subresource: 'status', want: 'mutating' },
    { verb: 'PATCH', subresource: '', want: 'mutating' },
    { verb: 'DELETE', subresource: '', want: 'mutating' },
    { verb: 'GET', subresource: '', want: 'get' },
    { verb: 'GET', subresource: 'log', want: undefined },
    { verb: 'LIST', subresource: '', want: 'list' },
    { verb: 'WATCH', subresource: '', want: undefined },
    { verb: 'DELETECOLLECTION', subresource: '', want: undefined },
  ];
  for (const c of classes) {
    it(`sloClass ${c.verb}${c.subresource ? '/' + c.subresource : ''} → ${c.want}`, () => assert.equal(sloClass(c), c.want));
  }

  it('counts only what happened between two scrapes, and reports p99, the worst resource and the SLO per class', () => {
    const before = parseDurationHistogram(render([...times(50, ['POST', 'configmaps', '', 3])]));
    const after = parseDurationHistogram(
      render([
        ...times(50, ['POST', 'configmaps', '', 3]), // before the load phase: slow, not counted
        ...times(100, ['POST', 'configmaps', '', 0.05]),
        ...times(100, ['PUT', 'leases', '', 0.05]),
        ...times(30, ['PUT', 'pods', 'status', 0.7]),
        ...times(100, ['GET', 'pods', '', 0.05]),
        ...times(40, ['LIST', 'pods', '', 40]),
        ...times(5, ['GET', 'nodes', '', 50]), // too few for a per-resource p99
      ]),
    );
    const r = sloReport(diffHistograms(before, after));
    assert.equal(r.mutating.count, 230);
    assert.ok(r.mutating.p99_s! > 0.5 && r.mutating.p99_s! <= 1, `mutating p99 ${r.mutating.p99_s}`);
    assert.deepEqual({ verb: r.mutating.worst!.verb, resource: r.mutating.worst!.resource, count: r.mutating.worst!.count }, { verb: 'PUT', resource: 'pods', count: 30 });
    assert.equal(r.mutating.within_slo, true);
    assert.equal(r.get.count, 105);
    assert.equal(r.get.worst!.resource, 'pods');
    // 5 of 105 reads took 50 s: the class p99 lands in the (30, 60] bucket.
    assert.ok(r.get.p99_s! > 30, `get p99 ${r.get.p99_s}`);
    assert.equal(r.get.within_slo, false);
    assert.equal(r.list.count, 40);
    assert.ok(r.list.p99_s! > 30 && r.list.p99_s! <= 60);
    assert.equal(r.list.slo_s, 30);
    assert.equal(r.list.within_slo, false);
    // Three series of 100 calls lead (in no particular order); the pre-phase configmap calls are gone.
    const top = busiest(diffHistograms(before, after), 3);
    assert.deepEqual(top.map((b) => b.call).sort(), ['GET pods', 'POST configmaps', 'PUT leases']);
    assert.deepEqual(top.map((b) => b.count), [100, 100, 100]);
    assert.equal(busiest(diffHistograms(before, after), 10).find((b) => b.call === 'PUT pods/status')!.count, 30);
  });

  it('failedCalls: calls answered ≥ 400 between two scrapes, by call and code', () => {
    const c = new Counter('apiserver_request_total', 'test');
    const labels = (verb: string, resource: string, subresource: string, code: string) => ({ verb, group: '', resource, subresource, code });
    c.inc(labels('POST', 'pods', '', '504'));
    c.inc(labels('POST', 'pods', '', '201'));
    const before = c.render();
    c.inc(labels('POST', 'pods', '', '504'));
    c.inc(labels('POST', 'pods', '', '504'));
    c.inc(labels('PUT', 'pods', 'status', '409'));
    c.inc(labels('POST', 'pods', '', '201'));
    assert.deepEqual(failedCalls(before, c.render()), { 'POST pods 504': 2, 'PUT pods/status 409': 1 });
  });
});
