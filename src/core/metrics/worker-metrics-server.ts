import { createServer, Server } from 'node:http';
import type { HubMetrics } from './hub-metrics';

/**
 * The worker role has no HTTP API: this tiny server gives Prometheus and the orchestrator
 * GET /metrics and GET /health/live on a port of their own.
 */
export async function startWorkerMetricsServer(
  metrics: HubMetrics,
  port: number,
  host: string,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      metrics.render().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(error instanceof Error ? error.message : String(error));
        },
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: 'Only /metrics and /health/live are served here.',
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `metrics.workerPort ${port} on ${host} is in use (another worker on this host?): give each worker its own port, 0 for any free port, or null to turn it off`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const actual = (server.address() as { port: number }).port;
  return { server, port: actual, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
