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
