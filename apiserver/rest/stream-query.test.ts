import { strict as assert } from 'node:assert';
import { kubeletStreamQuery, type StreamSubresource } from './stream-query';

describe('pods/log|exec|attach options as kube-apiserver hands them to the kubelet', () => {
  const cases: [StreamSubresource, string, string][] = [
    // The Python client's spelling
    ['exec', 'command=sh&command=-c&command=echo+hi&stderr=True&stdin=False&stdout=True&tty=False', 'command=sh&command=-c&command=echo+hi&stderr=1&stdout=1'],
    ['attach', 'container=c&stdin=true&stdout=1&tty=', 'container=c&stdin=1&stdout=1&tty=1'],
    ['exec', 'stdout=FALSE&stderr=0', ''],
    ['exec', 'stdout=1&stdout=0', 'stdout=1'],
    ['log', 'follow=True&previous=False&timestamps=1&tailLines=10&container=c', 'follow=true&timestamps=true&tailLines=10&container=c'],
    ['log', 'insecureSkipTLSVerifyBackend=True&limitBytes=5', 'insecureSkipTLSVerifyBackend=true&limitBytes=5'],
    ['portforward', 'ports=8080&stdin=True', 'ports=8080&stdin=True'],
  ];
  for (const [sub, qs, want] of cases) it(`${sub}?${qs}`, () => assert.equal(kubeletStreamQuery(sub, new URLSearchParams(qs)).toString(), want));
});
