// HTTPS client for the apiserver's REST door, authenticated the kubeconfig way (CA, client
// certificate, bearer token). Returns parsed JSON; Kubernetes Status failures become RestErrors
// whose message reads like kubectl's (`Error from server (NotFound): pods "x" not found`).
import * as https from 'node:https';
import * as http from 'node:http';
import type { Credentials } from '../lib/client/kubeconfig';
import type { Status } from '../lib/api/types';
import { CliError, ConnectionError } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A failure the server reported, as a Status. Printed without the `error:` prefix, like kubectl. */
export class RestError extends CliError {
  readonly status: Status;
  readonly verbatim = true;
  constructor(status: Status) {
    super(formatStatus(status), 'CLI_SERVER');
    this.name = 'RestError';
    this.status = status;
  }
  get httpCode(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function formatStatus(s: Status): string {
  const msg = s.message || 'unknown';
  if (s.reason === 'Invalid') return msg;
  return s.reason ? `Error from server (${s.reason}): ${msg}` : `Error from server: ${msg}`;
}

/** Builds a Status out of any error response (a Status body, other JSON, or plain text). */
export function statusFromResponse(code: number, body: string): Status {
  try {
    const j = JSON.parse(body);
    if (j && j.kind === 'Status') return { ...j, code: j.code ?? code } as Status;
  } catch {
    /* not JSON: fall through */
  }
  const reason = REASON_BY_CODE[code] ?? 'InternalError';
  const text = body.trim();
  const message =
    code === 404 && !text ? 'the server could not find the requested resource' : text || `the server responded with status ${code}`;
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message };
}

export function buildPath(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export interface WatchEventJson {
  type: string;
  object: any;
}

export interface WatchStream {
  stop(): void;
  /** Resolves when the server ends the stream or stop() is called; rejects on errors. */
  done: Promise<void>;
}

export class RestClient {
  private readonly url: URL;
  private readonly agent: https.Agent | http.Agent;

  constructor(private readonly creds: Credentials) {
    this.url = new URL(creds.server);
    this.agent =
      this.url.protocol === 'http:'
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
            keepAlive: true,
            ca: creds.ca,
            cert: creds.cert,
            key: creds.key,
            rejectUnauthorized: !creds.insecureSkipTlsVerify,
          });
  }

  get server(): string {
    return this.creds.server;
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, opts: RequestOptions, onResponse: (res: http.IncomingMessage) => void, onError: (e: Error) => void): http.ClientRequest {
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', 'User-Agent': 'k8ts-cli' };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.creds.token) headers.Authorization = `Bearer ${this.creds.token}`;
    const basePath = this.url.pathname.replace(/\/$/, '');
    const mod = this.url.protocol === 'http:' ? http : https;
    const req = mod.request(
      {
        method,
        hostname: this.url.hostname,
        port: this.url.port || (this.url.protocol === 'http:' ? 80 : 443),
        path: basePath + buildPath(path, opts.query),
        headers,
        agent: this.agent,
      },
      onResponse,
    );
    req.on('error', (e) => onError(this.connectionError(e)));
    if (payload !== undefined) req.write(payload);
    req.end();
    return req;
  }

  private connectionError(e: Error & { code?: string }): Error {
    const hostPort = this.url.host;
    if (e.code === 'ECONNREFUSED')
      return Object.assign(new ConnectionError(`The connection to the server ${hostPort} was refused - did you specify the right host or port?`), { verbatim: true });
    return Object.assign(new ConnectionError(`Unable to connect to the server: ${e.message}`), { verbatim: true });
  }

  /** One request; resolves with the parsed JSON body (undefined for an empty body). */
  request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.open(
        method,
        path,
        opts,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(this.connectionError(e)));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            if (code < 200 || code >= 300) return reject(new RestError(statusFromResponse(code, body)));
            if (!body.trim()) return resolve(undefined as T);
            try {
              resolve(JSON.parse(body) as T);
            } catch {
              reject(new ConnectionError(`the server returned a response that is not JSON for ${method} ${path}`));
            }
          });
        },
        reject,
      );
    });
  }

  get<T = any>(path: string, query?: Query, accept?: string): Promise<T> {
    return this.request<T>('GET', path, { query, accept });
  }

  /** A watch: newline-delimited JSON events, delivered until the stream ends or stop(). */
  watch(path: string, query: Query, onEvent: (ev: WatchEventJson) => void, accept?: string): WatchStream {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    const done = new Promise<void>((resolve, reject) => {
      req = this.open(
        'GET',
        path,
        { query: { ...query, watch: 'true' }, accept },
        (res) => {
          const code = res.statusCode ?? 0;
          if (code < 200 || code >= 300) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => reject(new RestError(statusFromResponse(code, Buffer.concat(chunks).toString('utf8')))));
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            buf += c;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line || stopped) continue;
              try {
                onEvent(JSON.parse(line) as WatchEventJson);
              } catch (e) {
                if (e instanceof SyntaxError) continue; // a torn line cannot be used; the next event is
                throw e;
              }
            }
          });
          res.on('end', () => resolve());
          res.on('close', () => resolve());
          res.on('error', (e) => (stopped ? resolve() : reject(this.connectionError(e))));
        },
        (e) => (stopped ? resolve() : reject(e)),
      );
    });
    return {
      done,
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }
}
