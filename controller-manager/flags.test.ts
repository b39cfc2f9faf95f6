import assert from 'node:assert/strict';
import { parseFlags } from '../lib/flags';
import { ControllerManagerConfigError, controllerManagerConfigFromFlags, controllerManagerFlags } from './flags';

describe('controller-manager flags', () => {
  const parse = (argv: string[]) => controllerManagerConfigFromFlags(parseFlags(['--kubeconfig=/etc/cm.conf', ...argv], controllerManagerFlags));

  it('the launcher flags', () => {
    const c = parse(['--cluster-cidr=10.244.0.0/16', '--node-cidr-mask-size=24', '--node-monitor-grace-period=40', '--health-port=10257', '--controllers=replicaset,endpoints']);
    assert.equal(c.clusterCidr, '10.244.0.0/16');
    assert.deepEqual(c.controllers, ['replicaset', 'endpoints']);
    assert.equal(c.leaderElect, true);
  });

  it('node eviction rate limiting: upstream\'s defaults and flag names', () => {
    const d = parse([]);
    assert.deepEqual([d.nodeEvictionRate, d.secondaryNodeEvictionRate, d.unhealthyZoneThreshold, d.largeClusterSizeThreshold], [0.1, 0.01, 0.55, 50]);
    const c = parse(['--node-eviction-rate=1', '--secondary-node-eviction-rate=0', '--unhealthy-zone-threshold=0.4', '--large-cluster-size-threshold=10']);
    assert.deepEqual([c.nodeEvictionRate, c.secondaryNodeEvictionRate, c.unhealthyZoneThreshold, c.largeClusterSizeThreshold], [1, 0, 0.4, 10]);
    assert.ok(d.controllers.length === 0 && ['taint-eviction', 'disruption'].every((n) => parse([`--controllers=${n}`]).controllers[0] === n));
  });

  it('the certificate controllers and their signing flags', () => {
    const c = parse(['--cluster-signing-cert-file=/pki/ca.crt', '--cluster-signing-key-file=/pki/ca.key', '--cluster-signing-duration=2m', '--controllers=csrapproving,csrsigning,tokencleaner']);
    assert.deepEqual([c.clusterSigningCertFile, c.clusterSigningKeyFile, c.clusterSigningDuration], ['/pki/ca.crt', '/pki/ca.key', '2m']);
    assert.deepEqual(c.controllers, ['csrapproving', 'csrsigning', 'tokencleaner']);
    assert.equal(parse([]).clusterSigningDuration, '8760h');
  });

  it("the HPA controller's periods: upstream's defaults and flag names", () => {
    const d = parse([]);
    assert.deepEqual([d.horizontalPodAutoscalerSyncPeriod, d.horizontalPodAutoscalerDownscaleStabilization, d.horizontalPodAutoscalerTolerance], [15, 300, 0.1]);
    const c = parse(['--horizontal-pod-autoscaler-sync-period=2', '--horizontal-pod-autoscaler-downscale-stabilization=10', '--controllers=horizontalpodautoscaling']);
    assert.deepEqual([c.horizontalPodAutoscalerSyncPeriod, c.horizontalPodAutoscalerDownscaleStabilization, c.controllers], [2, 10, ['horizontalpodautoscaling']]);
  });

  it('podgc and --terminated-pod-gc-threshold (upstream default 12500)', () => {
    assert.equal(parse([]).terminatedPodGcThreshold, 12500);
    const c = parse(['--terminated-pod-gc-threshold=3', '--controllers=podgc']);
    assert.deepEqual([c.terminatedPodGcThreshold, c.controllers], [3, ['podgc']]);
  });

  it("podgc's pass interval and quarantine: upstream's fixed 20s and 40s by default, shorter for tests", () => {
    const d = parse([]);
    assert.deepEqual([d.podGcPeriod, d.podGcQuarantine], ['20s', '40s']);
    const c = parse(['--pod-gc-period=1s', '--pod-gc-quarantine=2s']);
    assert.deepEqual([c.podGcPeriod, c.podGcQuarantine], ['1s', '2s']);
  });

  const bad: [string, string[], RegExp][] = [
    ['a fractional terminated-pod threshold', ['--terminated-pod-gc-threshold=1.5'], /--terminated-pod-gc-threshold 1.5 must be a whole number of pods/],
    ['no kubeconfig', ['--kubeconfig='], /--kubeconfig is required/],
    ['a cluster CIDR that is not one', ['--cluster-cidr=10.244.0.0'], /--cluster-cidr: invalid CIDR/],
    ['a node mask wider than the cluster', ['--cluster-cidr=10.244.0.0/16', '--node-cidr-mask-size=8'], /from 16 .* to 32/],
    ['a node mask past /32', ['--node-cidr-mask-size=33'], /to 32/],
    ['an unknown controller', ['--controllers=replicaset,crontab'], /unknown controllers: crontab \(known: replicaset,/],
    ['a job backoff that is not a duration', ['--job-backoff-base=fast'], /--job-backoff-base "fast" is not a positive duration/],
    ['a podgc period that is not a duration', ['--pod-gc-period=often'], /--pod-gc-period "often" is not a positive duration/],
    ['a zero podgc quarantine', ['--pod-gc-quarantine=0s'], /--pod-gc-quarantine "0s" is not a positive duration/],
    ['a negative eviction rate', ['--node-eviction-rate=-1'], /--node-eviction-rate -1 must be a number of nodes per second/],
    ['an unhealthy-zone threshold over 1', ['--unhealthy-zone-threshold=2'], /--unhealthy-zone-threshold 2 must be a fraction/],
    ['a fractional cluster size', ['--large-cluster-size-threshold=2.5'], /--large-cluster-size-threshold 2.5 must be a whole number/],
    ['a signing duration that is not one', ['--cluster-signing-duration=1y'], /--cluster-signing-duration "1y" is not a positive duration/],
    ['a zero HPA sync period', ['--horizontal-pod-autoscaler-sync-period=0'], /--horizontal-pod-autoscaler-sync-period 0 must be a number of seconds greater than 0/],
    ['a negative HPA tolerance', ['--horizontal-pod-autoscaler-tolerance=-0.1'], /--horizontal-pod-autoscaler-tolerance -0.1 must be 0 or more/],
    ['a signing cert without its key', ['--cluster-signing-cert-file=/ca.crt'], /--cluster-signing-cert-file and --cluster-signing-key-file go together/],
  ];
  for (const [name, argv, msg] of bad) {
    it(`refuses ${name}`, () => assert.throws(() => parse(argv), (e: unknown) => e instanceof Error && msg.test(e.message)));
  }

  it('a config error carries its code', () => {
    assert.throws(() => parse(['--controllers=x']), (e: unknown) => e instanceof ControllerManagerConfigError && e.code === 'CONTROLLER_MANAGER_CONFIG_INVALID');
  });
});
