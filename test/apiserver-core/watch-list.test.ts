// Streaming lists (WatchList, `sendInitialEvents`) against the real apiserver on a throwaway etcd,
// through both doors and the official JavaScript client: the current objects as ADDED, then one
// BOOKMARK annotated k8s.io/initial-events-end at the revision of that state, then live changes;
// `sendInitialEvents=false` with NotOlderThan sends only changes; misuse answers 422 Invalid.
import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { ApiError } from '../../lib/errors';
import type { WatchOptions } from '../../lib/client/api-client';
import { waitFor } from '../harness/exec';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { rawRequest } from '../apiserver-rest/https-request';

const NS = 'watch-list';
const END = 'k8s.io/initial-events-end';
const STREAMING = 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';

interface Seen {
  type: string;
  object: KObject;
}

const cm = (name: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: name } } as KObject);
const names = (evs: Seen[]) => evs.map((e) => `${e.type}:${e.object.metadata?.name ?? ''}`);
const isEnd = (e: Seen) => e.type === 'BOOKMARK' && e.object.metadata?.annotations?.[END] === 'true';

/** Checks the streaming-list prefix: ADDED for each existing object, then the marked bookmark. */
function assertInitialEvents(events: Seen[], existing: KObject[]): Seen {
  const end = events.findIndex(isEnd);
  assert.ok(end >= 0, `no initial-events-end bookmark in ${JSON.stringify(names(events))}`);
  assert.deepEqual(names(events.slice(0, end)).sort(), existing.map((o) => `ADDED:${o.metadata.name}`).sort());
  const bookmark = events[end];
  const newest = Math.max(...existing.map((o) => Number(o.metadata.resourceVersion)));
  assert.ok(Number(bookmark.object.metadata?.resourceVersion) >= newest, 'the bookmark carries the revision of the state sent');
  assert.equal(bookmark.object.kind, 'ConfigMap');
  return bookmark;
}

describe('watch-list: sendInitialEvents on both doors', function () {
  this.timeout(60_000);
  let t: TestApiserver | undefined;
  let existing: KObject[] = [];
  let created = 0;
  const fresh = async () => t!.client.create(Resources.configmaps, cm(`live-${++created}`));

  before(async () => {
    t = await startTestApiserver({ name: 'watch-list' });
    await t.client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as KObject);
    existing = [await t.client.create(Resources.configmaps, cm('a')), await t.client.create(Resources.configmaps, cm('b'))];
  });
  after(async () => {
    await t?.stop();
  });

  /** A gRPC watch that records events and how it closed; stop() is always safe. */
  function grpcWatch(opts: WatchOptions) {
    const events: Seen[] = [];
    const state: { closed: boolean; err?: Error } = { closed: false };
    const h = t!.client.watch(Resources.configmaps, NS, opts, {
      onEvent: (ev) => events.push({ type: ev.type, object: ev.object }),
      onClose: (err) => {
        state.closed = true;
        state.err = err;
      },
    });
    return { events, state, stop: () => h.stop() };
  }

  it('gRPC: initial ADDED events, the marked bookmark, then a live change', async () => {
    const w = grpcWatch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowBookmarks: true });
    try {
      await waitFor('initial-events-end bookmark', async () => w.events.some(isEnd), 10_000, 20);
      assertInitialEvents(w.events, existing);
      const live = await fresh();
      await waitFor('live ADDED', async () => w.events.some((e) => e.object.metadata?.name === live.metadata.name), 10_000, 20);
      const after = w.events.slice(w.events.findIndex(isEnd) + 1).filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(names(after), [`ADDED:${live.metadata.name}`]);
      existing.push(live);
    } finally {
      w.stop();
    }
  });

  it('gRPC: sendInitialEvents=false from a resourceVersion sends only later changes', async () => {
    const rv = (await t!.client.list(Resources.configmaps, NS)).metadata.resourceVersion!;
    const w = grpcWatch({ sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', resourceVersion: rv, allowBookmarks: true });
    try {
      const live = await fresh();
      await waitFor('live ADDED', async () => w.events.some((e) => e.type === 'ADDED'), 10_000, 20);
      assert.deepEqual(names(w.events.filter((e) => e.type !== 'BOOKMARK')), [`ADDED:${live.metadata.name}`]);
      assert.ok(!w.events.some(isEnd), 'no initial-events-end bookmark without initial events');
      existing.push(live);
    } finally {
      w.stop();
    }
  });

  it('gRPC: sendInitialEvents=false without a resourceVersion starts at the current state', async () => {
    const w = grpcWatch({ sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', allowBookmarks: true });
    try {
      // The gRPC client does not say when the server has started the watch, so changes are made
      // until one arrives; every ADDED must then be one of them, in order, never an older object.
      const made: string[] = [];
      for (let i = 0; i < 40 && !w.events.some((e) => e.type === 'ADDED'); i++) {
        made.push(String((await fresh()).metadata.name));
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor('a live ADDED', async () => w.events.some((e) => e.type === 'ADDED'), 10_000, 20);
      const added = w.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
      assert.deepEqual(added, made.slice(made.length - added.length), `only changes after the start: ${JSON.stringify(added)} of ${JSON.stringify(made)}`);
      for (const name of made) existing.push(await t!.client.get(Resources.configmaps, NS, name));
    } finally {
      w.stop();
    }
  });

  it('gRPC: sendInitialEvents from resourceVersion N sends the state at least as new as N', async () => {
    const w = grpcWatch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', resourceVersion: existing[0].metadata.resourceVersion, allowBookmarks: true });
    try {
      await waitFor('initial-events-end bookmark', async () => w.events.some(isEnd), 10_000, 20);
      assertInitialEvents(w.events, existing);
    } finally {
      w.stop();
    }
  });

  const refused: [string, WatchOptions, string][] = [
    ['sendInitialEvents without resourceVersionMatch', { sendInitialEvents: true, allowBookmarks: true }, 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
    ['resourceVersionMatch without sendInitialEvents', { resourceVersionMatch: 'NotOlderThan', resourceVersion: '1' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
  ];
  for (const [name, opts, cause] of refused)
    it(`gRPC: refuses ${name} with 422`, async () => {
      const w = grpcWatch(opts);
      try {
        await waitFor('the watch to fail', async () => w.state.closed, 10_000, 20);
        assert.ok(w.state.err instanceof ApiError, `closed with ${String(w.state.err)}`);
        assert.equal(w.state.err.code, 422);
        assert.equal(w.state.err.message, `ListOptions.meta.k8s.io "" is invalid: ${cause}`);
        assert.deepEqual(w.events, []);
      } finally {
        w.stop();
      }
    });

  it('REST: the raw stream carries the initial events, the marked bookmark and a live change', async () => {
    const events: Seen[] = [];
    let buf = '';
    let status = 0;
    const req = https.get({
      host: '127.0.0.1', port: t!.api.securePort, path: `/api/v1/namespaces/${NS}/configmaps?${STREAMING}`,
      ca: t!.certs.ca, cert: t!.certs.clientCert, key: t!.certs.clientKey, agent: false,
    }, (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          events.push(JSON.parse(buf.slice(0, i)) as Seen);
          buf = buf.slice(i + 1);
        }
      });
    });
    req.on('error', () => undefined); // destroyed below
    try {
      await waitFor('initial-events-end bookmark', async () => events.some(isEnd), 10_000, 20);
      assert.equal(status, 200);
      assertInitialEvents(events, existing);
      const live = await fresh();
      await waitFor('live ADDED', async () => events.some((e) => e.object.metadata?.name === live.metadata.name), 10_000, 20);
      assert.equal(events[events.length - 1].type, 'ADDED');
      existing.push(live);
    } finally {
      req.destroy();
    }
  });

  const restRefused: [string, string, string][] = [
    ['a watch with sendInitialEvents but no match', 'watch=true&sendInitialEvents=true', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
    ['a watch with a match but no sendInitialEvents', 'watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
    ['a watch with an Exact match', 'watch=true&sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1',
      '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]'],
    ['a list with sendInitialEvents', 'sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
  ];
  for (const [name, qs, summary] of restRefused)
    it(`REST: refuses ${name} with a 422 Status`, async () => {
      const res = await rawRequest(t!.api.securePort, { method: 'GET', path: `/api/v1/namespaces/${NS}/configmaps?${qs}`, ca: t!.certs.ca, cert: t!.certs.clientCert, key: t!.certs.clientKey });
      assert.equal(res.code, 422);
      const st = res.json();
      assert.equal(st.kind, 'Status');
      assert.equal(st.reason, 'Invalid');
      assert.equal(st.details.kind, 'ListOptions');
      assert.equal(st.details.group, 'meta.k8s.io');
      assert.equal(st.message, `ListOptions.meta.k8s.io "" is invalid: ${summary}`);
    });

  it('@kubernetes/client-node Watch with sendInitialEvents receives the same', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${t!.api.securePort}`, caData: b64(t!.certs.ca), skipTLSVerify: false }],
      users: [{ name: 'admin', certData: b64(t!.certs.clientCert), keyData: b64(t!.certs.clientKey) }],
      contexts: [{ name: 'x', cluster: 'c', user: 'admin' }],
      currentContext: 'x',
    });
    const events: Seen[] = [];
    let ended: unknown = 'open';
    const ctl = await new k8s.Watch(kc).watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
      (type: string, obj: KObject) => events.push({ type, object: obj }),
      (err: unknown) => { ended = err; },
    );
    try {
      await waitFor('initial-events-end bookmark', async () => events.some(isEnd), 10_000, 20);
      assertInitialEvents(events, existing);
      const live = await fresh();
      await waitFor('live ADDED', async () => events.some((e) => e.object.metadata?.name === live.metadata.name), 10_000, 20);
      assert.equal(ended, 'open');
    } finally {
      ctl.abort();
    }
  });
});
