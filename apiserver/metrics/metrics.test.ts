import assert from 'node:assert/strict';
import { ApiserverMetrics } from './index';
import { Histogram } from '../../lib/metrics/prometheus';

describe('apiserver metrics', () => {
  it('renders cumulative histogram buckets with sum and count', () => {
    const h = new Histogram('x_seconds', 'help', [0.1, 1]);
    h.observe({ verb: 'GET' }, 0.05);
    h.observe({ verb: 'GET' }, 0.5);
    h.observe({ verb: 'GET' }, 5);
    const text = h.render();
    assert.match(text, /^# TYPE x_seconds histogram$/m);
    assert.match(text, /^x_seconds_bucket\{verb="GET",le="0.1"\} 1$/m);
    assert.match(text, /^x_seconds_bucket\{verb="GET",le="1"\} 2$/m);
    assert.match(text, /^x_seconds_bucket\{verb="GET",le="\+Inf"\} 3$/m);
    assert.match(text, /^x_seconds_sum\{verb="GET"\} 5.55$/m);
    assert.match(text, /^x_seconds_count\{verb="GET"\} 3$/m);
  });

  it('counts requests by verb, resource and code and tracks registered watchers', () => {
    const m = new ApiserverMetrics();
    m.observeRequest('POST', '', 'pods', '', 201, 0.003);
    m.observeRequest('POST', '', 'pods', '', 409, 0.002);
    m.watchStarted('apps', 'deployments');
    m.watchStarted('apps', 'deployments');
    m.watchEnded('apps', 'deployments');
    m.observeEtcd('create', 'pods', 0.001);
    m.setWatchCacheSize('pods', 7);
    const text = m.render();
    assert.match(text, /^apiserver_request_total\{verb="POST",group="",resource="pods",subresource="",code="201"\} 1$/m);
    assert.match(text, /^apiserver_request_duration_seconds_count\{verb="POST",group="",resource="pods",subresource=""\} 2$/m);
    assert.match(text, /^apiserver_registered_watchers\{group="apps",resource="deployments"\} 1$/m);
    assert.match(text, /^etcd_request_duration_seconds_count\{operation="create",type="pods"\} 1$/m);
    assert.match(text, /^apiserver_watch_cache_capacity\{resource="pods"\} 7$/m);
  });

  it('escapes label values', () => {
    const m = new ApiserverMetrics();
    m.observeRequest('GET', '', 'a"b\\c\nd', '', 200, 0);
    assert.match(m.render(), /resource="a\\"b\\\\c\\nd"/);
  });
});
