import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * The operations port of a worker process (it has no API): `GET /healthz` (the process runs),
 * `GET /readyz` (database and bus reachable, else 503) and `GET /metrics` (Prometheus text).
 * Unauthenticated like the API's `/healthz`: bind it to a private interface.
 */
export async function startOpsServer(options: {
  port: number;
  host: string;
  registry: Registry;
  ready: () => Promise<Record<string, boolean>>;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}\n');
    if (path === '/readyz') {
      void options
        .ready()
        .then((checks) => {
          const ok = Object.values(checks).every(Boolean);
          const body = Object.fromEntries(
            Object.entries(checks).map(([k, v]) => [k, v ? 'ok' : 'unavailable']),
          );
          send(
            ok ? 200 : 503,
            'application/json',
            `${JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...body })}\n`,
          );
        })
        .catch(() => send(503, 'application/json', '{"status":"unavailable"}\n'));
      return;
    }
    if (path === '/metrics') {
      void options.registry
        .metrics()
        .then((text) => send(200, options.registry.contentType, text))
        .catch((err: Error) => send(500, 'text/plain', `${err.message}\n`));
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
