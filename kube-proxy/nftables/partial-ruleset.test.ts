import assert from 'node:assert/strict';
import { desiredNftRuleset } from './build-ruleset';
import { allFeaturesPlan, checkGolden, CLUSTER_CIDR, ep, FEATURE_PLANS, NODE_IPS, plan, port } from './fixtures';
import { MAP, SET } from './names';
import { elementKey, partialNftRuleset } from './partial-ruleset';
import type { Ruleset } from './ruleset';
import type { ProxyPlan } from '../plan/types';

const desired = (p: ProxyPlan) => desiredNftRuleset(p, { clusterCIDR: CLUSTER_CIDR, nodeIPs: NODE_IPS });
const partial = (a: ProxyPlan, b: ProxyPlan) => partialNftRuleset(desired(a), desired(b));

// A model of the table, to check a partial transaction without the kernel: each statement is
// applied with the checks the kernel makes inside a transaction (a chain is deleted only empty
// and unreferenced, a set only when no rule names it, nothing names what does not exist).
interface Model {
  chains: Map<string, string[]>;
  sets: Map<string, number>;
  elements: Map<string, Map<string, string>>;
}

function model(rs: Ruleset): Model {
  return {
    chains: new Map([...rs.chains].map(([c, r]) => [c, [...r]])),
    sets: new Map(rs.affinitySets),
    elements: new Map([...rs.elements].map(([c, es]) => [c, new Map(es.map((e) => [elementKey(e), e]))])),
  };
}

const FIXED = new Set<string>([...Object.values(MAP), SET.clusterIPs]);
/** The chains a rule or element jumps to, and the sets it names. */
function refs(text: string): { chains: string[]; sets: string[] } {
  const t = text.split(/[ ,{}]+/);
  return { chains: t.flatMap((w, i) => (w === 'goto' || w === 'jump' ? [t[i + 1]] : [])), sets: t.filter((w) => w.startsWith('@')).map((w) => w.slice(1)) };
}

function applyToModel(m: Model, payload: string): void {
  const everything = () => [...[...m.chains.values()].flat(), ...[...m.elements.values()].flatMap((es) => [...es.values()])];
  for (const line of payload.split('\n').filter(Boolean)) {
    const [verb, kind, , , name, ...rest] = line.split(' ');
    const body = rest.join(' ');
    const what = `${verb} ${kind}`;
    if (what === 'add chain') {
      assert.ok(!m.chains.has(name), line);
      m.chains.set(name, []);
    } else if (what === 'flush chain') {
      assert.ok(m.chains.has(name), line);
      m.chains.set(name, []);
    } else if (what === 'add rule') {
      const { chains, sets } = refs(body);
      assert.ok(m.chains.has(name) && chains.every((c) => m.chains.has(c)) && sets.every((s) => m.sets.has(s) || FIXED.has(s)), line);
      m.chains.get(name)!.push(body);
    } else if (what === 'delete chain') {
      assert.deepEqual(m.chains.get(name), [], line);
      assert.ok(everything().every((t) => !refs(t).chains.includes(name)), `${line}: still referenced`);
      m.chains.delete(name);
    } else if (what === 'add set') {
      assert.ok(!m.sets.has(name), line);
      m.sets.set(name, Number(/timeout (\d+)s/.exec(body)![1]));
    } else if (what === 'delete set') {
      assert.ok(m.sets.has(name), line);
      assert.ok(everything().every((t) => !refs(t).sets.includes(name)), `${line}: still referenced`);
      m.sets.delete(name);
    } else if (what === 'add element' || what === 'delete element') {
      const text = /^\{ (.*) \}$/.exec(body)![1];
      const es = m.elements.get(name) ?? new Map<string, string>();
      m.elements.set(name, es);
      if (verb === 'add') {
        assert.ok(!es.has(elementKey(text)) && refs(text).chains.every((c) => m.chains.has(c)), line);
        es.set(elementKey(text), text);
      } else {
        assert.ok(es.has(text), line);
        es.delete(text);
      }
    } else {
      assert.fail(`unexpected statement: ${line}`);
    }
  }
}

/** A model compared regardless of order (the kernel keeps no order between chains or elements). */
const normal = (m: Model) => ({
  chains: [...m.chains].sort(),
  sets: [...m.sets].sort(),
  elements: [...m.elements].filter(([, es]) => es.size > 0).map(([c, es]) => [c, [...es.values()].sort()]).sort(),
});

const web = (endpoints = [ep('10.244.0.7', 8080), ep('10.244.1.12', 8080)]) => port({ namespace: 'default', service: 'web', clusterIP: '10.96.12.34', port: 80, nodePort: 30080, endpoints });
const dns = port({ namespace: 'kube-system', service: 'kube-dns', protocol: 'udp', clusterIP: '10.96.0.10', port: 53, endpoints: [ep('10.244.0.2', 53)] });
const sticky = (timeoutSeconds: number) =>
  port({ namespace: 'default', service: 'sticky', clusterIP: '10.96.0.70', port: 80, sessionAffinity: { timeoutSeconds }, endpoints: [ep('10.244.0.70', 80), ep('10.244.1.70', 80)] });

describe('nftables partialNftRuleset', () => {
  it('elementKey: the key without comment or verdict', () => {
    const table: [string, string][] = [
      ['10.96.0.1', '10.96.0.1'],
      ['10.96.0.1 . tcp . 80 : goto service-X-default/web/tcp/', '10.96.0.1 . tcp . 80'],
      ['tcp . 30080 comment "default/web" : goto reject-chain', 'tcp . 30080'],
      ['10.96.0.1 . udp . 53 comment "a : b" : drop', '10.96.0.1 . udp . 53'],
    ];
    for (const [text, key] of table) assert.equal(elementKey(text), key, text);
  });

  it('unchanged: nothing to send', () => {
    assert.equal(partial(allFeaturesPlan(), allFeaturesPlan()), '');
    assert.equal(partial(plan(), plan()), '');
  });

  it('one endpoint added (golden): its chain, and the one service chain that balances to it, nothing else', () => {
    const p = partial(plan(dns, web()), plan(dns, web([ep('10.244.0.7', 8080), ep('10.244.1.12', 8080), ep('10.244.2.3', 8080)])));
    checkGolden('partial-endpoint-added.nft', p);
    assert.ok(!p.includes('kube-dns'), 'the other service is not named');
    assert.ok(!/element|set /.test(p), 'no map, set or element changes');
  });

  it('a service removed (golden): its chains flushed, its elements deleted, then its chains deleted', () => {
    checkGolden('partial-service-removed.nft', partial(plan(dns, web()), plan(dns)));
  });

  it('affinity timeout changed (golden): the chains naming the sets flushed, the sets re-created, the chains refilled', () => {
    const p = partial(plan(sticky(600)), plan(sticky(300)));
    checkGolden('partial-affinity-timeout.nft', p);
    const at = (re: RegExp) => p.split('\n').findIndex((l) => re.test(l));
    assert.ok(at(/^flush chain .*service-/) < at(/^delete set/) && at(/^delete set/) < at(/^add set/) && at(/^add set/) < at(/^add rule/));
  });

  it('no endpoints → endpoints (golden): the REJECT elements move from the no-endpoint maps to the service maps', () => {
    const none = FEATURE_PLANS['no-endpoints'];
    const some = plan({ ...none.servicePorts[0], clusterEndpoints: [ep('10.244.0.9', 443)], allEndpoints: [ep('10.244.0.9', 443)] });
    const p = partial(none, some);
    checkGolden('partial-endpoints-appear.nft', p);
    assert.ok(p.includes('delete element ip k8ts-proxy no-endpoint-services { 10.96.0.99 . tcp . 443 }'));
    assert.ok(p.includes('delete element ip k8ts-proxy no-endpoint-nodeports { tcp . 30443 }'));
    assert.match(p, /add element ip k8ts-proxy service-ips \{ 10\.96\.0\.99 \. tcp \. 443 : goto service-/);
    // and back: the chains go, after the elements naming them
    const back = partial(some, none);
    assert.ok(back.indexOf('delete element ip k8ts-proxy service-ips') < back.indexOf('delete chain'));
  });

  it('every pair of feature plans: the transaction turns the old table into the new one, in a valid order', () => {
    const plans: [string, ProxyPlan][] = [['empty', plan()], ['all', allFeaturesPlan()], ...Object.entries(FEATURE_PLANS)];
    plans.push(['sticky-300', plan(sticky(300))], ['sticky-600', plan(sticky(600))], ['sticky-off', plan({ ...sticky(600), sessionAffinity: undefined })]);
    for (const [from, a] of plans) {
      for (const [to, b] of plans) {
        const m = model(desired(a));
        applyToModel(m, partial(a, b));
        assert.deepEqual(normal(m), normal(model(desired(b))), `${from} → ${to}`);
      }
    }
  });
});
