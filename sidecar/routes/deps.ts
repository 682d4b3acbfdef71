import type { Metrics } from '../metrics';
import type { ServingState } from '../serving-state';

/** The tenants list, rendered by whoever holds the records (the loader thread). */
export interface TenantListSource {
  /** The list as JSON bytes with its generation; null when no snapshot is loaded. Rejects when unavailable. */
  tenantList(): Promise<{ generation: number; body: Buffer } | null>;
}

export interface RouteDeps {
  state: ServingState;
  metrics: Metrics;
  tenants: TenantListSource;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Route config flag read by the bearer-token hook (server.ts). */
export interface RouteConfig {
  auth?: boolean;
}
