// The fastify application: routes, the optional bearer token, and error answers that never echo
// input or leak internals.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { bearerTokenCheck } from './auth';
import { resolveRoute } from './routes/resolve';
import { tenantsRoute } from './routes/tenants';
import { healthRoutes } from './routes/health';
import { metricsRoute } from './routes/metrics';
import type { RouteConfig, RouteDeps } from './routes/deps';
import type { ErrorResponse } from '../generated/sidecar-types';

export interface ServerOptions extends RouteDeps {
  token?: string;
  logLevel?: string;
  /** Pass a logger instance (tests) instead of fastify's pino on stdout. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
}

/** pino redaction: belt and braces, nothing in this code logs these. */
export const REDACT_PATHS = ['req.headers.authorization', 'dbpass', '*.dbpass', 'password', '*.password', 'token'];

export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : { logger: { level: opts.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } } }),
    // One log line per lookup would dwarf the lookup; errors and state changes are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    bodyLimit: 1024,
    requestIdHeader: false,
  });

  // No per-request child logger: requests are not logged one by one, and creating a pino child for
  // each lookup costs more than the lookup itself. Errors are logged with the parent logger.
  app.setChildLoggerFactory((logger) => logger);

  const check = bearerTokenCheck(opts.token);
  if (opts.token) {
    app.addHook('onRequest', (request, reply, done) => {
      const config = request.routeOptions.config as RouteConfig;
      if (config.auth && !check(request.headers.authorization)) {
        opts.metrics.unauthorized++;
        reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="vmoodle-sidecar"')
          .send({ error: 'unauthorized', message: 'a valid bearer token is required' } satisfies ErrorResponse);
        return;
      }
      done();
    });
  }

  resolveRoute(app, opts);
  tenantsRoute(app, opts);
  healthRoutes(app, opts);
  metricsRoute(app, opts);

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ error: 'not_found', message: 'no such endpoint' } satisfies ErrorResponse);
  });
  app.setErrorHandler((err: { statusCode?: number; code?: string; message?: string }, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ code: err.code, message: err.message }, 'request failed');
    reply
      .code(status)
      .send(
        (status === 500
          ? { error: 'internal', message: 'internal error' }
          : { error: 'bad_request', message: 'malformed request' }) satisfies ErrorResponse,
      );
  });
  return app;
}
