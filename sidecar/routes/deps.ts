import type { Metrics } from '../metrics';
import type { ServingState } from '../serving-state';

export interface RouteDeps {
  state: ServingState;
  metrics: Metrics;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Route config flag read by the bearer-token hook (server.ts). */
export interface RouteConfig {
  auth?: boolean;
}
