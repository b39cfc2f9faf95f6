// A raw HTTPS client for the bad-input tests: sends exactly the bytes and headers given.
import * as https from 'node:https';

export interface RawResponse {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

// Node sends a DELETE body neither chunked nor with a length unless told: declare it explicitly.
function withLength(headers: Record<string, string> | undefined, body: string | Buffer | undefined): Record<string, string> | undefined {
  if (body === undefined || Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) return headers;
  return { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
}

export function rawRequest(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; ca: string; cert?: string; key?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: withLength(opts.headers, opts.body), ca: opts.ca, cert: opts.cert, key: opts.key, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ code: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A streaming response (a watch): its status, headers and each newline-terminated line as sent. */
export interface RawStream {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  /** Waits for the first line (from the start of the stream) that `match` accepts; lines keep their newline. */
  line(match: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Every complete line received so far, newline included. */
  lines(): string[];
  close(): void;
}

export function openStream(
  port: number,
  opts: { path: string; headers?: Record<string, string>; ca: string; cert?: string; key?: string },
): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'GET', path: opts.path, headers: opts.headers, ca: opts.ca, cert: opts.cert, key: opts.key, agent: false }, (res) => {
      const complete: string[] = [];
      let partial = '';
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        partial += chunk;
        let nl: number;
        while ((nl = partial.indexOf('\n')) >= 0) {
          complete.push(partial.slice(0, nl + 1));
          partial = partial.slice(nl + 1);
        }
        for (const w of [...waiters]) w();
      });
      res.on('error', () => undefined);
      resolve({
        code: res.statusCode ?? 0,
        headers: res.headers,
        lines: () => [...complete],
        line: (match, what, timeoutMs = 30_000) =>
          new Promise<string>((done, fail) => {
            const check = () => {
              const found = complete.find(match);
              if (found === undefined) return false;
              waiters.delete(check);
              clearTimeout(timer);
              done(found);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no ${what} in the stream; got:\n${complete.join('')}${partial}`));
            }, timeoutMs);
            if (!check()) waiters.add(check);
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
