import assert from 'node:assert/strict';
import { imageReferenceError } from './validation-image';

describe('validation-image (distribution reference grammar, as the kubelet parses images)', () => {
  const cases: [string, string | undefined][] = [
    ['k8ts/web:1.0', undefined], ['busybox', undefined], ['busybox:latest', undefined], ['127.0.0.1:5000/app:1.0', undefined],
    ['localhost/app', undefined], ['registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64), undefined], ['a/b/c/d:v1.2.3-rc_1', undefined],
    ['[::1]:5000/app', undefined], ['app:tag@sha256:' + 'b'.repeat(64), undefined], ['my_app__x', undefined], ['web--app', undefined],
    ['', 'invalid reference format'],
    ['Web:1.0', 'invalid reference format: repository name (library/Web) must be lowercase'],
    ['web:1.0 ', 'invalid reference format'], ['web::1', 'invalid reference format'], ['web:', 'invalid reference format'],
    ['-web', 'invalid reference format'], ['web/', 'invalid reference format'], ['web:tag!', 'invalid reference format'],
    ['web@sha256:abc', 'invalid reference format'], ['web:' + 't'.repeat(129), 'invalid reference format'],
    ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${'f'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    [`r.io/${'a'.repeat(260)}`, 'repository name must not be more than 255 characters'],
    ['Example.com/app', undefined], ['example.com/App', 'invalid reference format: repository name (App) must be lowercase'],
  ];
  for (const [image, want] of cases) it(`${JSON.stringify(image.slice(0, 50))} → ${want ?? 'valid'}`, () => assert.equal(imageReferenceError(image), want));
});
