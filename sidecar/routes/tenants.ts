// GET /v1/tenants: the tenants being served, without secrets (no dbpass, dbuser, dbhost).
import type { FastifyInstance } from 'fastify';
import { inline, schemas } from '../schemas';
import type { ErrorResponse } from '../../generated/sidecar-types';
import { JSON_TYPE, type RouteConfig, type RouteDeps } from './deps';

export function tenantsRoute(app: FastifyInstance, { state }: RouteDeps): void {
  app.get(
    '/v1/tenants',
    {
      config: { auth: true } satisfies RouteConfig,
      schema: { response: { 200: inline(schemas.tenantList), '4xx': inline(schemas.errorResponse), 503: inline(schemas.errorResponse) } },
    },
    (_request, reply) => {
      const snap = state.snapshot;
      if (snap === null) {
        return reply.code(503).send({ error: 'not_ready', message: 'no snapshot loaded yet' } satisfies ErrorResponse);
      }
      reply.header('x-vmoodle-generation', String(snap.generation));
      if (state.stale) reply.header('x-vmoodle-stale-seconds', Math.floor(state.ageSeconds() ?? 0).toString());
      // Serialised once per snapshot with the tenants-list schema (see Snapshot.tenantList).
      return reply.header('content-type', JSON_TYPE).send(snap.tenantList());
    },
  );
}
