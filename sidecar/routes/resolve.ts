// GET /v1/resolve?host=H[&path=P]: the hot path. Normalise and validate the host (never trusted),
// a hash-table lookup or two (overlay, base; more for hosts with subpath tenants), then send the bytes
// the loader thread serialised when it built the snapshot, with the generation written in.
import type { FastifyInstance } from 'fastify';
import { normaliseHost } from '../../lib/host';
import { inline, schemas } from '../schemas';
import type { ErrorResponse } from '../../generated/sidecar-types';
import { JSON_TYPE, type RouteConfig, type RouteDeps } from './deps';

const NOT_READY: ErrorResponse = { error: 'not_ready', message: 'no snapshot loaded yet' };
const NO_HOST: ErrorResponse = { error: 'bad_request', message: 'query parameter host is required, once' };
const UNKNOWN: ErrorResponse = { error: 'unknown_host', message: 'no tenant has this host' };

export function resolveRoute(app: FastifyInstance, { state, metrics }: RouteDeps): void {
  const error = inline(schemas.errorResponse);
  app.get<{ Querystring: Record<string, unknown> }>(
    '/v1/resolve',
    {
      config: { auth: true } satisfies RouteConfig,
      schema: {
        response: { 200: inline(schemas.resolveResponse), '4xx': error, 503: error },
      },
    },
    (request, reply) => {
      const snap = state.snapshot;
      if (snap === null) {
        metrics.lookups.not_ready++;
        return reply.code(503).headers({ 'cache-control': 'no-store', 'retry-after': '1' }).send(NOT_READY);
      }
      // Say how stale the answer may be whenever the registry could not confirm it.
      const stale = state.stale ? Math.floor(state.ageSeconds() ?? 0).toString() : undefined;
      const refuse = (status: 400 | 404, body: ErrorResponse) => {
        reply.code(status).headers({ 'cache-control': 'no-store', 'x-vmoodle-generation': snap.generationHeader });
        if (stale !== undefined) reply.header('x-vmoodle-stale-seconds', stale);
        return reply.send(body);
      };

      const rawHost = request.query.host;
      if (typeof rawHost !== 'string') {
        metrics.lookups.malformed++;
        return refuse(400, NO_HOST);
      }
      const host = normaliseHost(rawHost);
      if (!host.ok) {
        metrics.lookups.malformed++;
        return refuse(400, { error: 'bad_request', message: host.reason });
      }

      const entry = snap.lookup(host.host, request.query.path);
      if (entry < 0) {
        metrics.lookups.unknown++;
        return refuse(404, UNKNOWN);
      }
      const status = snap.status(entry);
      if (status === 200) metrics.lookups.ok++;
      else metrics.lookups.disabled++;
      // The body was serialised with the response schema when the snapshot was built: write its
      // bytes straight to the socket, skipping fastify's per-reply send machinery on the hot path.
      reply.hijack();
      const body = snap.body(entry);
      const headers: Record<string, string> = {
        'content-type': JSON_TYPE,
        'content-length': String(body.length),
        'cache-control': 'no-store',
        'x-vmoodle-generation': snap.generationHeader,
      };
      if (stale !== undefined) headers['x-vmoodle-stale-seconds'] = stale;
      reply.raw.writeHead(status, headers);
      reply.raw.end(body);
      return reply;
    },
  );
}
