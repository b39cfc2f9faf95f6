import assert from 'node:assert/strict';
import { subjectAllowed } from './server';

describe('kubelet server authorization', () => {
  it('admits the apiserver client and system:masters, nobody else', () => {
    assert.equal(subjectAllowed({ CN: 'kube-apiserver-kubelet-client' }), true);
    assert.equal(subjectAllowed({ CN: 'admin', O: ['system:masters'] }), true);
    assert.equal(subjectAllowed({ CN: 'system:node:n1', O: 'system:nodes' }), false);
    assert.equal(subjectAllowed(undefined), false);
  });
});
