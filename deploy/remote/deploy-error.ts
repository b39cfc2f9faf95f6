// The deploy's own failures, with stable codes (a host's failures are HostError, host-session.ts).
export class DeployError extends Error {
  constructor(
    readonly code: 'DEPLOY_STATE_MISMATCH' | 'DEPLOY_LOCKED' | 'DEPLOY_HOSTS_FAILED' | 'NODE_NAME_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}
