import type { MiddlewareHandler } from 'hono';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { intakeDepthGauge } from '../../driven/bus/intake-depth-gauge.ts';
import type { ActivityVariables } from './request-log.ts';

/**
 * The Prometheus metrics of an API server (`GET /metrics` on its operations port,
 * `serve --ops-port`): requests and their latency per route template (never a path with an id in
 * it), declarations submitted and their outcome, and — with the message bus — the intake stream's
 * depth read at each scrape. Names: docs/SCALING.md, "Metrics".
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly seconds: Histogram<'method' | 'route'>;
  private readonly declarations: Counter<'outcome'>;

  constructor(options: { intakeDepth?: () => Promise<number[]> } = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'greenlane_process_' });
    this.requests = new Counter({
      name: 'greenlane_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.seconds = new Histogram({
      name: 'greenlane_http_request_seconds',
      help: 'Time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.declarations = new Counter({
      name: 'greenlane_api_declarations_total',
      help: 'Declarations submitted through the API: decided in the request, rejected, or pending on the bus',
      labelNames: ['outcome'],
      registers,
    });
    const depth = options.intakeDepth;
    if (depth) intakeDepthGauge(registers, depth);
  }

  /** The middleware that counts and times every request (route template from Hono's router). */
  middleware(): MiddlewareHandler<{ Variables: Partial<ActivityVariables> }> {
    return async (c, next) => {
      const started = performance.now();
      await next();
      const route = c.req.routePath || 'unmatched';
      this.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
      this.seconds.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
      const activity = c.get('activity');
      if (c.req.method === 'POST' && route === '/v1/declarations' && activity) {
        const records = Number(activity.records ?? 0);
        const rejected = Number(activity.rejected ?? 0);
        const pending = Number(activity.pending ?? 0);
        if (rejected) this.declarations.inc({ outcome: 'rejected' }, rejected);
        if (pending) this.declarations.inc({ outcome: 'pending' }, pending);
        if (records - rejected - pending > 0)
          this.declarations.inc({ outcome: 'decided' }, records - rejected - pending);
      }
    };
  }
}
