// GET /v1/tenants: the tenants being served, without secrets (no dbpass, dbuser, dbhost). The HTTP
// thread holds only answers; the list is rendered by the loader thread, which holds the records.
import type { FastifyInstance } from 'fastify';
import { inline, schemas } from '../schemas';
import type { ErrorResponse } from '../../generated/sidecar-types';
import { JSON_TYPE, type RouteConfig, type RouteDeps } from './deps';

const NOT_READY: ErrorResponse = { error: 'not_ready', message: 'no snapshot loaded yet' };
const UNAVAILABLE: ErrorResponse = { error: 'not_ready', message: 'the tenant list is not available right now; retry' };

export function tenantsRoute(app: FastifyInstance, { state, tenants }: RouteDeps): void {
  app.get(
    '/v1/tenants',
    {
      config: { auth: true } satisfies RouteConfig,
      schema: { response: { 200: inline(schemas.tenantList), '4xx': inline(schemas.errorResponse), 503: inline(schemas.errorResponse) } },
    },
    async (request, reply) => {
      if (state.snapshot === null) return reply.code(503).header('retry-after', '1').send(NOT_READY);
      let list: Awaited<ReturnType<typeof tenants.tenantList>>;
      try {
        list = await tenants.tenantList();
      } catch (err) {
        request.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'tenant list unavailable');
        return reply.code(503).header('retry-after', '1').send(UNAVAILABLE);
      }
      if (list === null) return reply.code(503).header('retry-after', '1').send(NOT_READY);
      reply.header('x-vmoodle-generation', String(list.generation));
      if (state.stale) reply.header('x-vmoodle-stale-seconds', Math.floor(state.ageSeconds() ?? 0).toString());
      // Already serialised with the tenants-list schema (loader/tenant-set.ts).
      return reply.header('content-type', JSON_TYPE).send(list.body);
    },
  );
}
