import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManifestError } from './errors';
import { expandPath, parseManifest, readManifests } from './manifest';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
`;

describe('cli manifest', () => {
  it('parses multi-document YAML with lines, skipping empty documents', () => {
    const text = `---\n${DEPLOY}---\n# only a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n`;
    const objs = parseManifest(text, 'app.yaml');
    assert.deepEqual(
      objs.map((o) => [o.obj.kind, o.obj.metadata.name, o.line]),
      [
        ['Deployment', 'web', 2],
        ['Service', 'web', 11],
      ],
    );
    assert.equal((objs[0].obj as any).spec.replicas, 3);
  });

  it('expands kind: List with the line of each item', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
`;
    assert.deepEqual(
      parseManifest(text, 'l.yaml').map((o) => [o.obj.metadata.name, o.line]),
      [
        ['a', 4],
        ['b', 7],
      ],
    );
  });

  it('parses JSON', () => {
    const objs = parseManifest(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, null, 2), 'p.json');
    assert.equal(objs[0].obj.metadata.name, 'p');
  });

  const bad: { name: string; text: string; line: number; re: RegExp }[] = [
    { name: 'YAML syntax error', text: `${DEPLOY}  template:\n bad: [1, 2\n`, line: 8, re: /./ },
    { name: 'bad indentation mapping', text: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   x: y\n`, line: 4, re: /./ },
    { name: 'missing kind in second document', text: `${DEPLOY}---\napiVersion: v1\nmetadata:\n  name: s\n`, line: 8, re: /missing "kind"/ },
    { name: 'missing apiVersion', text: `kind: Pod\nmetadata:\n  name: a\n`, line: 1, re: /missing "apiVersion"/ },
    { name: 'missing metadata.name', text: `\n\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\n`, line: 3, re: /Pod is missing "metadata.name"/ },
    { name: 'scalar document', text: `just a string\n`, line: 1, re: /must be a mapping/ },
    { name: 'list item without name', text: `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {}\n`, line: 4, re: /metadata.name/ },
    { name: 'tab indentation', text: `apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n`, line: 4, re: /Tabs/ },
    { name: 'duplicate key', text: `apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: a}\n`, line: 3, re: /./ },
  ];
  for (const b of bad)
    it(`reports ${b.name} with file and line`, () => {
      assert.throws(
        () => parseManifest(b.text, 'deploy.yaml'),
        (e: Error) => {
          assert.ok(e instanceof ManifestError, String(e));
          assert.equal(e.line, b.line, e.message);
          assert.ok(e.message.startsWith(`deploy.yaml:${b.line}: `), e.message);
          assert.match(e.message, b.re);
          return true;
        },
      );
    });

  describe('files and directories', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-manifest-'));
      fs.writeFileSync(path.join(dir, 'b.yaml'), DEPLOY);
      fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }));
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub', 'c.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('expands a directory in name order, recursing only with -R', () => {
      assert.deepEqual(expandPath(dir, false).map((f) => path.relative(dir, f)), ['a.json', 'b.yaml']);
      assert.deepEqual(expandPath(dir, true).map((f) => path.relative(dir, f)), ['a.json', 'b.yaml', 'sub/c.yml']);
    });

    it('reads files, directories and stdin in order', async () => {
      const objs = await readManifests([path.join(dir, 'b.yaml'), '-', dir], {
        recursive: false,
        readStdin: async () => 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
      });
      assert.deepEqual(objs.map((o) => o.obj.metadata.name), ['web', 'n', 's', 'web']);
      assert.equal(objs[1].source, '<stdin>');
    });

    it('reports a missing path', async () => {
      await assert.rejects(readManifests([path.join(dir, 'nope.yaml')], { recursive: false, readStdin: async () => '' }), /does not exist/);
    });
  });
});
