// The real kubectl (v1.32, installed on the machine) pointed at a test cluster, run inside the
// cluster's network namespace.
import { run, type RunResult } from './exec';

export class Kubectl {
  constructor(private readonly kubeconfig: string, private readonly netns?: string) {}

  async run(args: string[], input?: string): Promise<RunResult> {
    return run(['kubectl', '--kubeconfig', this.kubeconfig, ...args], { netns: this.netns, input, timeoutMs: 120_000 });
  }

  async out(args: string[], input?: string): Promise<string> {
    return (await this.run(args, input)).stdout;
  }

  async json<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.out([...args, '-o', 'json'])) as T;
  }
}
