import { strict as assert } from 'node:assert';
import { cgroupRootFor, clusterLayout, COMPONENTS, defaultNetnsNodeIp, isComponentName, NETNS_NODE_IFACE, resolvePorts } from './layout';

describe('layout', () => {
  it('derives every path from home', () => {
    const l = clusterLayout('/x/.cluster/');
    assert.equal(l.home, '/x/.cluster');
    assert.equal(l.containerdSocket, '/x/.cluster/containerd/containerd.sock');
    assert.equal(l.adminKubeconfig, '/x/.cluster/admin.kubeconfig');
    assert.equal(l.kubeconfig('kube-proxy'), '/x/.cluster/kube-proxy.kubeconfig');
    assert.equal(l.logFile('etcd'), '/x/.cluster/logs/etcd.log');
    assert.equal(l.pidFile('kubelet'), '/x/.cluster/run/kubelet.pid');
    assert.equal(l.imagesDir, '/x/.cluster/images');
  });

  it('merges ports over the defaults', () => {
    const p = resolvePorts({ apiserver: 1 });
    assert.equal(p.apiserver, 1);
    assert.equal(p.apiserverGrpc, 6444);
    assert.equal(p.etcdClient, 2379);
  });

  it('starts the data store first and the node agents last', () => {
    assert.equal(COMPONENTS[0], 'etcd');
    assert.ok(COMPONENTS.indexOf('containerd') < COMPONENTS.indexOf('kubelet'));
    assert.ok(isComponentName('kube-proxy'));
    assert.ok(isComponentName('dns'));
    assert.ok(isComponentName('ingress'));
    assert.ok(!isComponentName('coredns'));
  });

  it('gives netns clusters their own address and cgroup root', () => {
    const ip = defaultNetnsNodeIp('k8ts-test-1');
    assert.match(ip, /^172\.31\.\d{1,3}\.1$/);
    assert.equal(ip, defaultNetnsNodeIp('k8ts-test-1'));
    assert.equal(cgroupRootFor(), '/k8ts');
    assert.equal(cgroupRootFor('a'), '/k8ts-a');
    assert.ok(NETNS_NODE_IFACE.length <= 15);
  });
});
