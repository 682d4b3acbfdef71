// GET /metrics: Prometheus text format (behind the token when one is set: it names generations and counts).
import type { FastifyInstance } from 'fastify';
import type { RouteConfig, RouteDeps } from './deps';

export function metricsRoute(app: FastifyInstance, { state, metrics }: RouteDeps): void {
  app.get('/metrics', { config: { auth: true } satisfies RouteConfig }, (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render(state)),
  );
}
