import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, MetricDefinitionError, MetricsRegistry, formatValue } from './prometheus';

describe('lib/metrics: Prometheus text exposition', () => {
  it('escapes label values (backslash, quote, newline) and HELP text (backslash, newline)', () => {
    const c = new Counter('x_total', 'a help\nwith \\ and "quotes"');
    c.inc({ path: 'a"b\\c\nd' });
    const text = c.render();
    assert.match(text, /^# HELP x_total a help\\nwith \\\\ and "quotes"$/m);
    assert.match(text, /^x_total\{path="a\\"b\\\\c\\nd"\} 1$/m);
  });

  it('refuses invalid metric and label names', () => {
    assert.throws(() => new Counter('bad-name', 'h'), MetricDefinitionError);
    assert.throws(() => new Counter('ok_total', 'h').inc({ 'bad-label': 'x' }), MetricDefinitionError);
    assert.throws(() => new Counter('ok2_total', 'h').inc({ __reserved: 'x' }), MetricDefinitionError);
  });

  it('renders histograms with sorted cumulative buckets, +Inf, sum and count', () => {
    const h = new Histogram('lat_seconds', 'h', [1, 0.1]);
    for (const v of [0.05, 0.5, 5]) h.observe({ op: 'get' }, v);
    const lines = h.render().split('\n');
    assert.deepEqual(lines.slice(2), [
      'lat_seconds_bucket{op="get",le="0.1"} 1',
      'lat_seconds_bucket{op="get",le="1"} 2',
      'lat_seconds_bucket{op="get",le="+Inf"} 3',
      'lat_seconds_sum{op="get"} 5.55',
      'lat_seconds_count{op="get"} 3',
    ]);
    assert.throws(() => new Histogram('dup_seconds', 'h', [1, 1]), MetricDefinitionError);
  });

  it('formats special values as the format spells them', () => {
    assert.equal(formatValue(Infinity), '+Inf');
    assert.equal(formatValue(-Infinity), '-Inf');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(0.25), '0.25');
  });

  it('registry: get-or-create by name, one type per name, renders every family', () => {
    const r = new MetricsRegistry();
    r.counter('a_total', 'h').inc();
    r.counter('a_total', 'h').inc();
    r.gauge('b', 'h').set({}, 3);
    assert.equal(r.counter('a_total', 'h').get(), 2);
    assert.throws(() => r.gauge('a_total', 'h'), MetricDefinitionError);
    assert.ok(r.get('b') instanceof Gauge);
    assert.equal(r.render(), '# HELP a_total h\n# TYPE a_total counter\na_total 2\n# HELP b h\n# TYPE b gauge\nb 3\n');
  });
});
