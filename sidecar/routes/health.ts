// /healthz: the process answers. /readyz: a snapshot is loaded (from the registry or the state file),
// so lookups can be answered; 503 before. Both stay open without the token, for probes.
import type { FastifyInstance } from 'fastify';
import { inline, schemas } from '../schemas';
import type { ReadyResponse } from '../../generated/sidecar-types';
import type { RouteDeps } from './deps';

export function healthRoutes(app: FastifyInstance, { state }: RouteDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
        },
      },
    },
    (_request, reply) => reply.send({ status: 'ok' }),
  );

  const ready = inline(schemas.readyResponse);
  app.get('/readyz', { schema: { response: { 200: ready, 503: ready } } }, (_request, reply) => {
    const snap = state.snapshot;
    const age = state.ageSeconds();
    const body: ReadyResponse = {
      ready: snap !== null,
      generation: snap ? snap.generation : null,
      source: snap ? snap.meta.source : null,
      registryUp: state.registryUp,
      staleSeconds: age === null ? null : Math.round(age * 1000) / 1000,
    };
    return reply.code(snap ? 200 : 503).send(body);
  });
}
