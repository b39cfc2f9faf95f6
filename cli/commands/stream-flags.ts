// Flags only `logs` and `exec` know (-f means --follow here, -c a container), taken out of the
// command line before the shared parser sees the rest (-n, --kubeconfig, ...).
import { UsageError } from '../errors';

export interface StreamFlags {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  stdin: boolean;
  tty: boolean;
  tail?: number;
  container?: string;
  /** exec: everything after `--`. */
  command: string[];
}

export function splitStreamFlags(argv: string[]): { own: StreamFlags; rest: string[] } {
  const own: StreamFlags = { follow: false, previous: false, timestamps: false, stdin: false, tty: false, command: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${name}`);
      return argv[++i];
    };
    if (a === '--') {
      own.command = argv.slice(i + 1);
      break;
    } else if (name === '-f' || name === '--follow') own.follow = inline !== 'false';
    else if (name === '-p' || name === '--previous') own.previous = inline !== 'false';
    else if (name === '--timestamps') own.timestamps = inline !== 'false';
    else if (name === '-i' || name === '--stdin') own.stdin = inline !== 'false';
    else if (name === '-t' || name === '--tty') own.tty = inline !== 'false';
    else if (name === '-it' || name === '-ti') own.stdin = own.tty = true;
    else if (name === '-c' || name === '--container') own.container = value();
    else if (name === '--tail') {
      const n = Number(value());
      if (!Number.isInteger(n)) throw new UsageError('--tail must be an integer');
      if (n >= 0) own.tail = n;
    } else rest.push(a);
  }
  return { own, rest };
}
