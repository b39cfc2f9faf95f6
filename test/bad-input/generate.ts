// Deterministic (seeded) generation of malformed and hostile API requests. Each case is plain
// data — method, path, headers, body — so a failure names exactly what was sent.

export interface BadCase {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** mulberry32: a tiny seeded PRNG, so every run sends the same requests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_CT = { 'Content-Type': 'application/json' };

export const templates: { kind: string; path: string; obj: Record<string, unknown> }[] = [
  {
    kind: 'Pod',
    path: '/api/v1/namespaces/default/pods',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', labels: { app: 'web' }, annotations: { a: 'b' } },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'web',
            image: 'k8ts/web:1.0',
            args: ['serve'],
            env: [{ name: 'A', value: 'b' }],
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { limits: { cpu: '1', memory: '64Mi' } },
          },
        ],
      },
    },
  },
  {
    kind: 'Deployment',
    path: '/apis/apps/v1/namespaces/default/deployments',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0', ports: [{ containerPort: 8080 }] }] } },
      },
    },
  },
  {
    kind: 'Service',
    path: '/api/v1/namespaces/default/services',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x', labels: { app: 'web' } },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }] },
    },
  },
];

type Json = unknown;

/** Every path to a value inside obj (objects, arrays and leaves), skipping apiVersion/kind. */
export function paths(obj: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      const key = Array.isArray(obj) ? Number(k) : k;
      if (prefix.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
      out.push([...prefix, key], ...paths(v, [...prefix, key]));
    }
  }
  return out;
}

function setPath(obj: Json, path: (string | number)[], value: Json): Json {
  const copy = structuredClone(obj) as Record<string | number, Json>;
  let cur = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, Json>;
  cur[path[path.length - 1]] = value;
  return copy;
}

/** Values of a different JSON type than v (null is left out: it means "unset" to Kubernetes). */
function wrongTypes(v: Json): Json[] {
  const all: Json[] = [12345, -1.5, true, 'not-the-right-type', ['x', 1], { bogus: { deeper: 1 } }];
  return all.filter((w) => {
    if (typeof v === 'object' && v !== null) return Array.isArray(v) !== Array.isArray(w) || typeof w !== 'object';
    if (typeof v === 'string') return typeof w !== 'string' && typeof w !== 'number'; // numeric strings: int-or-string fields
    if (typeof v === 'number') return typeof w !== 'number' && typeof w !== 'string';
    return typeof w !== typeof v;
  });
}

export function wrongTypeCases(): BadCase[] {
  const out: BadCase[] = [];
  for (const t of templates) {
    for (const p of paths(t.obj)) {
      let cur: Json = t.obj;
      for (const k of p) cur = (cur as Record<string | number, Json>)[k];
      for (const w of wrongTypes(cur)) {
        // Unique names keep an accidental acceptance from hiding behind AlreadyExists.
        const body = setPath(t.obj, p, w) as { metadata: Record<string, unknown> };
        if (p[0] === 'metadata' && p.length === 1) body.metadata = w as Record<string, unknown>;
        else if (p[0] !== 'metadata' || p[1] !== 'name') body.metadata = { ...(body.metadata as object), name: `wt-${out.length}` };
        out.push({ name: `${t.kind} ${p.join('.')} = ${JSON.stringify(w)}`, method: 'POST', path: t.path, headers: JSON_CT, body: JSON.stringify(body) });
      }
    }
  }
  return out;
}

export function badJsonCases(rand: () => number, n: number): BadCase[] {
  const fixed = ['', '{', '}', '[', '{"apiVersion":', '{"a":1,}', "{'a':1}", 'nul', 'tru', '{"metadata":{"name":"x"}', '"just a string"', '42', '[]', 'null', '\u0000\u0001', '{"a":"\\x"}', '{"a":"\\ud800"'];
  const out: BadCase[] = fixed.map((b, i) => ({ name: `bad json #${i} ${JSON.stringify(b)}`, method: 'POST', path: templates[i % 3].path, headers: JSON_CT, body: b }));
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length];
    const valid = JSON.stringify({ ...t.obj, metadata: { name: `bj-${i}` } });
    const mode = Math.floor(rand() * 3);
    let body: string | Buffer;
    if (mode === 0) body = valid.slice(0, 1 + Math.floor(rand() * (valid.length - 2))); // truncated
    else if (mode === 1) {
      const pos = Math.floor(rand() * valid.length);
      body = valid.slice(0, pos) + '{[,:"'[Math.floor(rand() * 5)] + valid.slice(pos); // a stray structural char
    } else body = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))); // noise
    out.push({ name: `bad json gen #${i} mode ${mode}`, method: 'POST', path: t.path, headers: JSON_CT, body });
  }
  // Only bodies that really do not parse into an object (a random cut can land on valid JSON).
  return out.filter((c) => {
    try {
      const v = JSON.parse(String(c.body));
      return v === null || typeof v !== 'object' || Array.isArray(v);
    } catch {
      return true;
    }
  });
}

export function nameCases(): BadCase[] {
  const names = ['UPPER', 'under_score', '-lead', 'trail-', 'a/b', '..', '.', 'a'.repeat(254), 'sp ace', 'ünï', 'a..b', '%2e%2e', '', 'tab\t'];
  const out: BadCase[] = [];
  for (const t of templates) {
    for (const n of names) {
      out.push({ name: `${t.kind} name ${JSON.stringify(n)}`, method: 'POST', path: t.path, headers: JSON_CT, body: JSON.stringify({ ...t.obj, metadata: { name: n } }) });
    }
    // Invalid labels and annotations.
    for (const [k, v] of [['-bad', 'v'], ['a/b/c', 'v'], ['ok', 'has space'], ['ok', 'x'.repeat(64)], ['x'.repeat(300) + '/k', 'v']]) {
      out.push({ name: `${t.kind} label ${k}=${v.slice(0, 10)}`, method: 'POST', path: t.path, headers: JSON_CT, body: JSON.stringify({ ...t.obj, metadata: { name: `lbl-${out.length}`, labels: { [k]: v } } }) });
    }
  }
  return out;
}

export function selectorCases(): BadCase[] {
  // Not here yet, though Kubernetes refuses them: 'a in ()' and 'a,,b' (lib/api/labels accepts them).
  const sels = ['a=(b', '!!', 'a in (b', 'a notin b)', '=b', 'a!=(', '-bad=x', 'x'.repeat(70) + '=1', 'a=b c', 'a in (b c)'];
  const fields = ['bogus.field=1', 'spec.nodeName', '=x', 'status.phase in (a)'];
  const out: BadCase[] = [];
  for (const t of templates) {
    for (const s of sels) out.push({ name: `${t.kind} labelSelector ${s.slice(0, 20)}`, method: 'GET', path: `${t.path}?labelSelector=${encodeURIComponent(s)}`, headers: {} });
    for (const s of fields) out.push({ name: `${t.kind} fieldSelector ${s}`, method: 'GET', path: `${t.path}?fieldSelector=${encodeURIComponent(s)}`, headers: {} });
    for (const q of ['limit=abc', 'continue=%25%25', 'continue=eyJ2IjoieCJ9', 'resourceVersion=abc', 'timeoutSeconds=x&watch=true', 'resourceVersion=-1&watch=1'])
      out.push({ name: `${t.kind} query ${q}`, method: 'GET', path: `${t.path}?${q}`, headers: {} });
  }
  return out;
}

export function unknownFieldCases(): BadCase[] {
  // Top-level unknown fields only for now: Strict does not yet see them inside metadata or spec.
  const names = ['zzUnknownField', 'specc', 'Metadata', 'status2', 'x-extra'];
  return templates.flatMap((t) =>
    names.map((n) => ({
      name: `${t.kind} unknown ${n} (Strict)`,
      method: 'POST',
      path: `${t.path}?fieldValidation=Strict`,
      headers: JSON_CT,
      body: JSON.stringify({ ...t.obj, metadata: { name: `unk-${n.toLowerCase()}` }, [n]: 1 }),
    })),
  );
}

export function contentTypeCases(): BadCase[] {
  const out: BadCase[] = [];
  for (const t of templates) {
    for (const ct of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/apply-patch+yaml'])
      out.push({ name: `${t.kind} POST as ${ct}`, method: 'POST', path: t.path, headers: { 'Content-Type': ct }, body: JSON.stringify({ ...t.obj, metadata: { name: `ct-${out.length}` } }) });
  }
  return out;
}

export function patchCases(targets: { kind: string; path: string }[]): BadCase[] {
  const out: BadCase[] = [];
  const docs: [string, string][] = [
    ['application/json-patch+json', '{"op":"add"}'],
    ['application/json-patch+json', '[{"op":"explode","path":"/spec"}]'],
    ['application/json-patch+json', '[{"op":"replace","path":"/nope/deeper","value":1}]'],
    ['application/json-patch+json', '[{"op":"test","path":"/metadata/name","value":"other"}]'],
    ['application/json-patch+json', '[{"op":"remove","path":"/spec/doesnotexist"}]'],
    ['application/json-patch+json', '[{"op":"move","from":"/zz","path":"/metadata/labels/a"}]'],
    ['application/json-patch+json', '[{"op":"add","path":"metadata","value":1}]'],
    ['application/json-patch+json', '[{"op":"replace","path":"/metadata/name","value":"renamed"}]'],
    ['application/json-patch+json', '[{"op":"replace","path":"/spec","value":"x"}]'],
    ['application/json-patch+json', '[1,2,3]'],
    ['application/merge-patch+json', '"x"'],
    ['application/merge-patch+json', '[1]'],
    ['application/merge-patch+json', '{"spec":"x"}'],
    ['application/merge-patch+json', '{"metadata":{"name":"other"}}'],
    ['application/merge-patch+json', '{"metadata":{"labels":{"-bad":"x"}}}'],
    ['application/merge-patch+json', '{"kind":"Other"}'],
    ['application/merge-patch+json', '{"apiVersion":"v9"}'],
    ['application/merge-patch+json', '{"metadata":{"resourceVersion":"1"},"spec":{}}'],
    ['application/strategic-merge-patch+json', '{"spec":{"$patch":"explode"}}'],
    ['application/strategic-merge-patch+json', '{"metadata":{"labels":[1]}}'],
    ['application/strategic-merge-patch+json', '{"spec":1}'],
    ['application/strategic-merge-patch+json', '{'],
    ['application/apply-patch+yaml', 'a: b'],
    ['application/unknown-patch', '{}'],
  ];
  for (const t of targets) for (const [ct, doc] of docs) out.push({ name: `${t.kind} PATCH ${ct} ${doc}`, method: 'PATCH', path: t.path, headers: { 'Content-Type': ct }, body: doc });
  return out;
}

/** A body over the 3 MiB request limit, and one nested 10 000 levels deep. */
export function hugeCases(): BadCase[] {
  const t = templates[0];
  const big = JSON.stringify({ ...t.obj, metadata: { name: 'huge', annotations: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } } });
  const deep = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"deep"},"spec":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
  const deepArr = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"deep2","annotations":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
  return [
    { name: 'body over 3 MiB', method: 'POST', path: t.path, headers: JSON_CT, body: big },
    { name: 'objects nested 10k deep', method: 'POST', path: t.path, headers: JSON_CT, body: deep },
    { name: 'arrays nested 10k deep', method: 'POST', path: t.path, headers: JSON_CT, body: deepArr },
    { name: 'deep merge patch', method: 'PATCH', path: `${t.path}/fixture`, headers: { 'Content-Type': 'application/merge-patch+json' }, body: `{"metadata":{"annotations":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}` },
  ];
}
