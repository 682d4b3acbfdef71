/**
 * Messages of the small gRPC services a go-plugin host (Terraform) talks to besides
 * the provider itself: the controller (Shutdown), stdio streaming and health checks.
 * Field numbers follow hashicorp/go-plugin internal/plugin/*.proto and
 * grpc/health/v1/health.proto.
 */
import { type MessageCodec, field, message } from './wire';

/** `google.protobuf.Empty` (and go-plugin's identical `plugin.Empty`): no fields, zero bytes on the wire. */
export type Empty = Record<string, never>;
export const Empty: MessageCodec<Empty> = message<Empty>('google.protobuf.Empty', {});

export const GRPC_CONTROLLER_SERVICE = 'plugin.GRPCController';
export const GRPC_STDIO_SERVICE = 'plugin.GRPCStdio';
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
/** The service name go-plugin hosts pass to Health/Check. */
export const HEALTH_PLUGIN_SERVICE_NAME = 'plugin';

export interface HealthCheckRequest {
  service: string;
}
export const HealthCheckRequest: MessageCodec<HealthCheckRequest> = message<HealthCheckRequest>('grpc.health.v1.HealthCheckRequest', {
  service: field(1, 'string'),
});

export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export type ServingStatus = (typeof ServingStatus)[keyof typeof ServingStatus];

export interface HealthCheckResponse {
  status: ServingStatus;
}
export const HealthCheckResponse: MessageCodec<HealthCheckResponse> = message<HealthCheckResponse>('grpc.health.v1.HealthCheckResponse', {
  status: field(1, 'enum'),
});

export const StdioChannel = { INVALID: 0, STDOUT: 1, STDERR: 2 } as const;
export type StdioChannel = (typeof StdioChannel)[keyof typeof StdioChannel];

/** One chunk streamed by `plugin.GRPCStdio/StreamStdio`. */
export interface StdioData {
  channel: StdioChannel;
  data: Uint8Array;
}
export const StdioData: MessageCodec<StdioData> = message<StdioData>('plugin.StdioData', {
  channel: field(1, 'enum'),
  data: field(2, 'bytes'),
});

/** Codecs per go-plugin method, keyed by the full gRPC path. */
export const goPluginMethods = {
  '/plugin.GRPCController/Shutdown': { request: Empty, response: Empty },
  '/plugin.GRPCStdio/StreamStdio': { request: Empty, response: StdioData },
  '/grpc.health.v1.Health/Check': { request: HealthCheckRequest, response: HealthCheckResponse },
} as const;
