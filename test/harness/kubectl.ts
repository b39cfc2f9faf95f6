// The real kubectl (v1.32, installed on the machine) pointed at a test cluster, run inside the
// cluster's network namespace, with the few queries tests wait on.
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

  /** The names of the objects of a kind that match a label selector, in kubectl's order. */
  async names(kind: string, selector: string): Promise<string[]> {
    return (await this.out(['get', kind, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/).filter(Boolean);
  }

  /** Whether the object exists (a missing one is no error). */
  async exists(kind: string, name: string): Promise<boolean> {
    return (await this.out(['get', kind, name, '--ignore-not-found', '-o', 'name'])).trim() !== '';
  }
}
