// A raw HTTPS client for the bad-input tests: sends exactly the bytes and headers given.
import * as https from 'node:https';

export interface RawResponse {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

export function rawRequest(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; ca: string; cert?: string; key?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: opts.headers, ca: opts.ca, cert: opts.cert, key: opts.key, agent: false },
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
