// The apiserver's etcd client, tuned for a control plane that must come back quickly when etcd
// restarts (a supervisor brings it back within a second):
// - the etcd3 library's default per-host circuit breaker opens after 3 failures for 5 s; with the
//   one etcd of a local cluster there is no other host to fail over to, so it only turned a 0.5 s
//   etcd restart into 5 s of 500s. The breaker stays (it sheds load from a dead member in an HA
//   list) but tries again after 250 ms;
// - gRPC's reconnect backoff grows to 2 minutes by default; capped at 2 s here so a long etcd
//   outage does not leave the apiserver waiting long after etcd is back;
// - watches re-establish with a short exponential backoff for the same reason.
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen } from 'cockatiel';

type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

export function newEtcdClient(hosts: string | string[]): Etcd3 {
  return new Etcd3({
    hosts,
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.min_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
    },
    faultHandling: {
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 250, breaker: new ConsecutiveBreaker(3) }),
      // etcd3 1.1's typings describe an older cockatiel backoff; at run time it calls next() on
      // this factory first, which is the cockatiel 3 shape.
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }) as unknown as WatchBackoff,
    },
  });
}
