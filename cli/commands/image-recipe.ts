// The Dockerfile-like recipe `k8ts image build` understands, parsed and applied as pure functions:
//   FROM k8ts/web:1.0 | scratch      COPY <src> <dest>      ENV K=V | ENV K V
//   WORKDIR /dir    CMD/ENTRYPOINT ["a","b"] or shell form    EXPOSE 8080[/tcp]
import type { ImageConfig } from '../../deploy/images/docker-archive';

export class RecipeError extends Error {
  readonly code = 'IMAGE_RECIPE_INVALID';
  constructor(line: number, message: string) {
    super(`recipe line ${line}: ${message}`);
    this.name = 'RecipeError';
  }
}

export type Step = { op: 'COPY'; src: string; dest: string } | { op: 'CONFIG'; apply: (c: ImageConfig) => ImageConfig };

export interface Recipe {
  from: 'k8ts/web:1.0' | 'scratch';
  steps: Step[];
}

const BASES = ['k8ts/web:1.0', 'scratch'] as const;

function argvOf(rest: string, line: number): string[] {
  if (rest.startsWith('[')) {
    try {
      const v = JSON.parse(rest);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
    } catch {
      /* reported below */
    }
    throw new RecipeError(line, `invalid JSON array ${rest}`);
  }
  return ['/bin/sh', '-c', rest];
}

export function parseRecipe(text: string): Recipe {
  let from: Recipe['from'] | undefined;
  const steps: Step[] = [];
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new RecipeError(n, `cannot parse "${line}"`);
    const op = m[1].toUpperCase();
    const rest = m[2].trim();
    if (op !== 'FROM' && !from) throw new RecipeError(n, 'the recipe must start with FROM');
    switch (op) {
      case 'FROM':
        if (from) throw new RecipeError(n, 'only one FROM is supported');
        if (!(BASES as readonly string[]).includes(rest)) throw new RecipeError(n, `unsupported base "${rest}" (use ${BASES.join(' or ')})`);
        from = rest as Recipe['from'];
        return;
      case 'COPY': {
        const parts = rest.split(/\s+/);
        if (parts.length !== 2) throw new RecipeError(n, 'COPY takes <src> <dest>');
        steps.push({ op: 'COPY', src: parts[0], dest: parts[1] });
        return;
      }
      case 'ENV': {
        const eq = /^([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(.*)$/.exec(rest);
        if (!eq) throw new RecipeError(n, `invalid ENV "${rest}"`);
        const [k, v] = [eq[1], eq[2].replace(/^"(.*)"$/, '$1')];
        steps.push({ op: 'CONFIG', apply: (c) => ({ ...c, Env: [...(c.Env ?? []).filter((e) => !e.startsWith(`${k}=`)), `${k}=${v}`] }) });
        return;
      }
      case 'WORKDIR':
        if (!rest.startsWith('/')) throw new RecipeError(n, 'WORKDIR must be absolute');
        steps.push({ op: 'CONFIG', apply: (c) => ({ ...c, WorkingDir: rest }) });
        return;
      case 'CMD': {
        const argv = argvOf(rest, n);
        steps.push({ op: 'CONFIG', apply: (c) => ({ ...c, Cmd: argv }) });
        return;
      }
      case 'ENTRYPOINT': {
        const argv = argvOf(rest, n);
        // Like Docker, a new ENTRYPOINT resets the base image's CMD.
        steps.push({ op: 'CONFIG', apply: (c) => ({ ...c, Entrypoint: argv, Cmd: undefined }) });
        return;
      }
      case 'EXPOSE': {
        const ports = rest.split(/\s+/).map((p) => (p.includes('/') ? p : `${p}/tcp`));
        if (!ports.every((p) => /^\d+\/(tcp|udp|sctp)$/.test(p))) throw new RecipeError(n, `invalid EXPOSE "${rest}"`);
        steps.push({ op: 'CONFIG', apply: (c) => ({ ...c, ExposedPorts: { ...(c.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p, {}])) } }) });
        return;
      }
      default:
        throw new RecipeError(n, `unsupported instruction ${op}`);
    }
  });
  if (!from) throw new RecipeError(1, 'empty recipe: FROM is required');
  return { from, steps };
}
