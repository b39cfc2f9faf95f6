// Listening with every connection tracked, so stopping never waits for keep-alive clients (probes,
// scrapers, browsers) to hang up: close() stops accepting and the open sockets are destroyed.
import type { AddressInfo, Server, Socket } from 'node:net';

export interface TrackedListener {
  /** The port bound (the one chosen when asked for 0). */
  port: number;
  stop(): Promise<void>;
}

/** Binds `server` to host:port; rejects with the bind error (address in use...). */
export async function listenTracked(server: Server, port: number, host: string): Promise<TrackedListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
