// The JSON Schemas of sidecar/schemas: fastify validates and serialises with them, the snapshot
// pre-serialises resolve bodies with them, and generated/sidecar-types.ts is generated from them.
import { readFileSync } from 'node:fs';
import { sidecarAsset } from './assets';

export type JsonSchema = Record<string, unknown>;

function load(name: string): JsonSchema {
  return JSON.parse(readFileSync(sidecarAsset('schemas', name), 'utf8')) as JsonSchema;
}

/** A copy without `$id`, for inline use in route schemas (several routes may use the same schema). */
export function inline(schema: JsonSchema): JsonSchema {
  const { $id: _id, ...rest } = schema;
  return rest;
}

export const schemas = {
  resolveResponse: load('resolve-response.json'),
  errorResponse: load('error-response.json'),
  tenantList: load('tenants-list.json'),
  readyResponse: load('ready-response.json'),
  stateFile: load('state-file.json'),
} as const;
