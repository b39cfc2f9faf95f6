import assert from 'node:assert/strict';
import { canonicalMac, subnetAddress, VTEP_MAC_ANNOTATION, vtepAnnotationPatch, vtepMacFor } from './vtep';

describe('pod network VTEP', () => {
  it('derives a stable, locally administered unicast MAC from the node address', () => {
    assert.equal(vtepMacFor('198.18.200.1'), '0e:6b:c6:12:c8:01');
    assert.equal(vtepMacFor('10.0.0.255'), '0e:6b:0a:00:00:ff');
    assert.equal(canonicalMac(vtepMacFor('198.18.200.1')), '0e:6b:c6:12:c8:01');
  });

  const macs: [unknown, string | undefined][] = [
    ['0E:6B:C6:12:C8:01', '0e:6b:c6:12:c8:01'],
    [' 0e:6b:c6:12:c8:01 ', '0e:6b:c6:12:c8:01'],
    ['01:00:5e:00:00:01', undefined], // multicast
    ['ff:ff:ff:ff:ff:ff', undefined],
    ['00:00:00:00:00:00', undefined],
    ['0e-6b-c6-12-c8-01', undefined],
    ['0e:6b:c6:12:c8', undefined],
    [42, undefined],
  ];
  for (const [text, want] of macs) it(`MAC ${JSON.stringify(text)} → ${want}`, () => assert.equal(canonicalMac(text), want));

  it('names a subnet by its network address', () => {
    assert.equal(subnetAddress('10.244.3.0/24'), '10.244.3.0');
    assert.equal(subnetAddress('10.244.3.77/24'), '10.244.3.0');
    assert.equal(subnetAddress('nope'), undefined);
  });

  it('patches the annotation only when it says something else', () => {
    assert.equal(vtepAnnotationPatch({ [VTEP_MAC_ANNOTATION]: '0e:6b:c6:12:c8:01' }, '0e:6b:c6:12:c8:01'), undefined);
    assert.equal(vtepAnnotationPatch(undefined, undefined), undefined);
    assert.deepEqual(vtepAnnotationPatch({ other: 'x' }, '0e:6b:c6:12:c8:01'), { metadata: { annotations: { [VTEP_MAC_ANNOTATION]: '0e:6b:c6:12:c8:01' } } });
    assert.deepEqual(vtepAnnotationPatch({ [VTEP_MAC_ANNOTATION]: '0e:6b:c6:12:c8:01' }, undefined), { metadata: { annotations: { [VTEP_MAC_ANNOTATION]: null } } });
  });
});
