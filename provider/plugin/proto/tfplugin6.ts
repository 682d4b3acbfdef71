/**
 * tfplugin6.8 messages (Terraform 1.11's plugin protocol) and the method table of the
 * `tfplugin6.Provider` gRPC service, described with the codec in ./wire.
 *
 * Field numbers follow hashicorp/terraform docs/plugin-protocol/tfplugin6.8.proto
 * (MPL-2.0). Property names are the proto names in camelCase. Ephemeral-resource RPCs
 * are not described: Terraform only calls them for providers that declare ephemeral
 * resources, and unknown RPCs are answered UNIMPLEMENTED by the server.
 */
import { type Codec, type MessageCodec, field, mapOf, message, oneof, optional, repeated } from './wire';

// ---------------------------------------------------------------------------
// Enums (plain objects rather than TS enums: no runtime magic, values are wire numbers).
// Decoded enum fields may carry numbers outside these lists if a newer Terraform sends them.

export const DiagnosticSeverity = { INVALID: 0, ERROR: 1, WARNING: 2 } as const;
export type DiagnosticSeverity = (typeof DiagnosticSeverity)[keyof typeof DiagnosticSeverity];

export const StringKind = { PLAIN: 0, MARKDOWN: 1 } as const;
export type StringKind = (typeof StringKind)[keyof typeof StringKind];

export const NestedBlockNestingMode = { INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4, GROUP: 5 } as const;
export type NestedBlockNestingMode = (typeof NestedBlockNestingMode)[keyof typeof NestedBlockNestingMode];

export const ObjectNestingMode = { INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4 } as const;
export type ObjectNestingMode = (typeof ObjectNestingMode)[keyof typeof ObjectNestingMode];

export const DeferredReason = { UNKNOWN: 0, RESOURCE_CONFIG_UNKNOWN: 1, PROVIDER_CONFIG_UNKNOWN: 2, ABSENT_PREREQ: 3 } as const;
export type DeferredReason = (typeof DeferredReason)[keyof typeof DeferredReason];

/** Messages without fields (requests of several RPCs). */
export type EmptyMessage = Record<string, never>;

// ---------------------------------------------------------------------------
// Shared types

/** A cty value; Terraform 1.11 sends msgpack, and reads msgpack if non-empty, else json. */
export interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}
// Plain `bytes` in the .proto; declared with presence here (wire-identical) so handlers
// can tell which encoding was sent without checking lengths.
export const DynamicValue: MessageCodec<DynamicValue> = message<DynamicValue>('tfplugin6.DynamicValue', {
  msgpack: optional(1, 'bytes'),
  json: optional(2, 'bytes'),
});

/** One step of an attribute path; exactly one selector is set. */
export type AttributePathStep = { attributeName: string } | { elementKeyString: string } | { elementKeyInt: number };
export const AttributePathStep: MessageCodec<AttributePathStep> = message<AttributePathStep>('tfplugin6.AttributePath.Step', {
  attributeName: oneof('selector', 1, 'string'),
  elementKeyString: oneof('selector', 2, 'string'),
  elementKeyInt: oneof('selector', 3, 'int64'),
});

export interface AttributePath {
  steps: AttributePathStep[];
}
export const AttributePath: MessageCodec<AttributePath> = message<AttributePath>('tfplugin6.AttributePath', {
  steps: repeated(1, () => AttributePathStep),
});

export interface Diagnostic {
  severity: DiagnosticSeverity;
  summary: string;
  detail: string;
  attribute?: AttributePath;
}
export const Diagnostic: MessageCodec<Diagnostic> = message<Diagnostic>('tfplugin6.Diagnostic', {
  severity: field(1, 'enum'),
  summary: field(2, 'string'),
  detail: field(3, 'string'),
  attribute: field(4, () => AttributePath),
});

export interface FunctionError {
  text: string;
  /** Index of the argument that caused the error, if any. */
  functionArgument?: number;
}
export const FunctionError: MessageCodec<FunctionError> = message<FunctionError>('tfplugin6.FunctionError', {
  text: field(1, 'string'),
  functionArgument: optional(2, 'int64'),
});

/** Stored state handed to UpgradeResourceState/MoveResourceState; `json` is the state's attribute JSON. */
export interface RawState {
  json: Uint8Array;
  flatmap: Record<string, string>;
}
export const RawState: MessageCodec<RawState> = message<RawState>('tfplugin6.RawState', {
  json: field(1, 'bytes'),
  flatmap: mapOf(2, 'string'),
});

export interface ServerCapabilities {
  planDestroy: boolean;
  getProviderSchemaOptional: boolean;
  moveResourceState: boolean;
}
export const ServerCapabilities: MessageCodec<ServerCapabilities> = message<ServerCapabilities>('tfplugin6.ServerCapabilities', {
  planDestroy: field(1, 'bool'),
  getProviderSchemaOptional: field(2, 'bool'),
  moveResourceState: field(3, 'bool'),
});

export interface ClientCapabilities {
  deferralAllowed: boolean;
  writeOnlyAttributesAllowed: boolean;
}
export const ClientCapabilities: MessageCodec<ClientCapabilities> = message<ClientCapabilities>('tfplugin6.ClientCapabilities', {
  deferralAllowed: field(1, 'bool'),
  writeOnlyAttributesAllowed: field(2, 'bool'),
});

export interface Deferred {
  reason: DeferredReason;
}
export const Deferred: MessageCodec<Deferred> = message<Deferred>('tfplugin6.Deferred', {
  reason: field(1, 'enum'),
});

// ---------------------------------------------------------------------------
// Schema (recursive: Block -> NestedBlock -> Block, Attribute -> Object -> Attribute)

export interface Schema {
  version: number;
  block?: SchemaBlock;
}
export const Schema: MessageCodec<Schema> = message<Schema>('tfplugin6.Schema', {
  version: field(1, 'int64'),
  block: field(2, () => SchemaBlock),
});

export interface SchemaBlock {
  version: number;
  attributes: SchemaAttribute[];
  blockTypes: SchemaNestedBlock[];
  description: string;
  descriptionKind: StringKind;
  deprecated: boolean;
}
export const SchemaBlock: MessageCodec<SchemaBlock> = message<SchemaBlock>('tfplugin6.Schema.Block', {
  version: field(1, 'int64'),
  attributes: repeated(2, () => SchemaAttribute),
  blockTypes: repeated(3, () => SchemaNestedBlock),
  description: field(4, 'string'),
  descriptionKind: field(5, 'enum'),
  deprecated: field(6, 'bool'),
});

export interface SchemaAttribute {
  name: string;
  /** JSON-encoded cty type, e.g. `"string"` or `["list","string"]`; empty when `nestedType` is set. */
  type: Uint8Array;
  nestedType?: SchemaObject;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  descriptionKind: StringKind;
  deprecated: boolean;
  writeOnly: boolean;
}
export const SchemaAttribute: MessageCodec<SchemaAttribute> = message<SchemaAttribute>('tfplugin6.Schema.Attribute', {
  name: field(1, 'string'),
  type: field(2, 'bytes'),
  nestedType: field(10, () => SchemaObject),
  description: field(3, 'string'),
  required: field(4, 'bool'),
  optional: field(5, 'bool'),
  computed: field(6, 'bool'),
  sensitive: field(7, 'bool'),
  descriptionKind: field(8, 'enum'),
  deprecated: field(9, 'bool'),
  writeOnly: field(11, 'bool'),
});

export interface SchemaNestedBlock {
  typeName: string;
  block?: SchemaBlock;
  nesting: NestedBlockNestingMode;
  minItems: number;
  maxItems: number;
}
export const SchemaNestedBlock: MessageCodec<SchemaNestedBlock> = message<SchemaNestedBlock>('tfplugin6.Schema.NestedBlock', {
  typeName: field(1, 'string'),
  block: field(2, () => SchemaBlock),
  nesting: field(3, 'enum'),
  minItems: field(4, 'int64'),
  maxItems: field(5, 'int64'),
});

// min_items/max_items (4, 5) are deprecated and ignored by Terraform, so not modelled.
export interface SchemaObject {
  attributes: SchemaAttribute[];
  nesting: ObjectNestingMode;
}
export const SchemaObject: MessageCodec<SchemaObject> = message<SchemaObject>('tfplugin6.Schema.Object', {
  attributes: repeated(1, () => SchemaAttribute),
  nesting: field(3, 'enum'),
});

// ---------------------------------------------------------------------------
// Provider functions

export interface FunctionParameter {
  name: string;
  /** JSON-encoded cty type constraint. */
  type: Uint8Array;
  allowNullValue: boolean;
  allowUnknownValues: boolean;
  description: string;
  descriptionKind: StringKind;
}
export const FunctionParameter: MessageCodec<FunctionParameter> = message<FunctionParameter>('tfplugin6.Function.Parameter', {
  name: field(1, 'string'),
  type: field(2, 'bytes'),
  allowNullValue: field(3, 'bool'),
  allowUnknownValues: field(4, 'bool'),
  description: field(5, 'string'),
  descriptionKind: field(6, 'enum'),
});

export interface FunctionReturn {
  type: Uint8Array;
}
export const FunctionReturn: MessageCodec<FunctionReturn> = message<FunctionReturn>('tfplugin6.Function.Return', {
  type: field(1, 'bytes'),
});

/** `tfplugin6.Function` (renamed: `Function` is a global in TypeScript). */
export interface FunctionDefinition {
  parameters: FunctionParameter[];
  variadicParameter?: FunctionParameter;
  return?: FunctionReturn;
  summary: string;
  description: string;
  descriptionKind: StringKind;
  deprecationMessage: string;
}
export const FunctionDefinition: MessageCodec<FunctionDefinition> = message<FunctionDefinition>('tfplugin6.Function', {
  parameters: repeated(1, () => FunctionParameter),
  variadicParameter: field(2, () => FunctionParameter),
  return: field(3, () => FunctionReturn),
  summary: field(4, 'string'),
  description: field(5, 'string'),
  descriptionKind: field(6, 'enum'),
  deprecationMessage: field(7, 'string'),
});

// ---------------------------------------------------------------------------
// RPC messages

const emptyMessage = (typeName: string): MessageCodec<EmptyMessage> => message<EmptyMessage>(typeName, {});

// GetMetadata

export interface DataSourceMetadata {
  typeName: string;
}
export const DataSourceMetadata: MessageCodec<DataSourceMetadata> = message<DataSourceMetadata>('tfplugin6.GetMetadata.DataSourceMetadata', {
  typeName: field(1, 'string'),
});

export interface ResourceMetadata {
  typeName: string;
}
export const ResourceMetadata: MessageCodec<ResourceMetadata> = message<ResourceMetadata>('tfplugin6.GetMetadata.ResourceMetadata', {
  typeName: field(1, 'string'),
});

export interface FunctionMetadata {
  name: string;
}
export const FunctionMetadata: MessageCodec<FunctionMetadata> = message<FunctionMetadata>('tfplugin6.GetMetadata.FunctionMetadata', {
  name: field(1, 'string'),
});

export interface EphemeralResourceMetadata {
  typeName: string;
}
export const EphemeralResourceMetadata: MessageCodec<EphemeralResourceMetadata> = message<EphemeralResourceMetadata>(
  'tfplugin6.GetMetadata.EphemeralMetadata',
  { typeName: field(1, 'string') },
);

export type GetMetadataRequest = EmptyMessage;
export const GetMetadataRequest = emptyMessage('tfplugin6.GetMetadata.Request');

export interface GetMetadataResponse {
  serverCapabilities?: ServerCapabilities;
  diagnostics: Diagnostic[];
  dataSources: DataSourceMetadata[];
  resources: ResourceMetadata[];
  functions: FunctionMetadata[];
  ephemeralResources: EphemeralResourceMetadata[];
}
export const GetMetadataResponse: MessageCodec<GetMetadataResponse> = message<GetMetadataResponse>('tfplugin6.GetMetadata.Response', {
  serverCapabilities: field(1, () => ServerCapabilities),
  diagnostics: repeated(2, () => Diagnostic),
  dataSources: repeated(3, () => DataSourceMetadata),
  resources: repeated(4, () => ResourceMetadata),
  functions: repeated(5, () => FunctionMetadata),
  ephemeralResources: repeated(6, () => EphemeralResourceMetadata),
});

// GetProviderSchema

export type GetProviderSchemaRequest = EmptyMessage;
export const GetProviderSchemaRequest = emptyMessage('tfplugin6.GetProviderSchema.Request');

export interface GetProviderSchemaResponse {
  /** Must be set: Terraform rejects a response without a provider schema. */
  provider?: Schema;
  resourceSchemas: Record<string, Schema>;
  dataSourceSchemas: Record<string, Schema>;
  functions: Record<string, FunctionDefinition>;
  ephemeralResourceSchemas: Record<string, Schema>;
  diagnostics: Diagnostic[];
  providerMeta?: Schema;
  /** Terraform 1.11 reads capabilities from here (not from GetMetadata). */
  serverCapabilities?: ServerCapabilities;
}
export const GetProviderSchemaResponse: MessageCodec<GetProviderSchemaResponse> = message<GetProviderSchemaResponse>(
  'tfplugin6.GetProviderSchema.Response',
  {
    provider: field(1, () => Schema),
    resourceSchemas: mapOf(2, () => Schema),
    dataSourceSchemas: mapOf(3, () => Schema),
    functions: mapOf(7, () => FunctionDefinition),
    ephemeralResourceSchemas: mapOf(8, () => Schema),
    diagnostics: repeated(4, () => Diagnostic),
    providerMeta: field(5, () => Schema),
    serverCapabilities: field(6, () => ServerCapabilities),
  },
);

// ValidateProviderConfig

export interface ValidateProviderConfigRequest {
  config?: DynamicValue;
}
export const ValidateProviderConfigRequest: MessageCodec<ValidateProviderConfigRequest> = message<ValidateProviderConfigRequest>(
  'tfplugin6.ValidateProviderConfig.Request',
  { config: field(1, () => DynamicValue) },
);

export interface ValidateProviderConfigResponse {
  diagnostics: Diagnostic[];
}
export const ValidateProviderConfigResponse: MessageCodec<ValidateProviderConfigResponse> = message<ValidateProviderConfigResponse>(
  'tfplugin6.ValidateProviderConfig.Response',
  // Field 2, not 1: a quirk of the protocol.
  { diagnostics: repeated(2, () => Diagnostic) },
);

// ValidateResourceConfig

export interface ValidateResourceConfigRequest {
  typeName: string;
  config?: DynamicValue;
  clientCapabilities?: ClientCapabilities;
}
export const ValidateResourceConfigRequest: MessageCodec<ValidateResourceConfigRequest> = message<ValidateResourceConfigRequest>(
  'tfplugin6.ValidateResourceConfig.Request',
  {
    typeName: field(1, 'string'),
    config: field(2, () => DynamicValue),
    clientCapabilities: field(3, () => ClientCapabilities),
  },
);

export interface ValidateResourceConfigResponse {
  diagnostics: Diagnostic[];
}
export const ValidateResourceConfigResponse: MessageCodec<ValidateResourceConfigResponse> = message<ValidateResourceConfigResponse>(
  'tfplugin6.ValidateResourceConfig.Response',
  { diagnostics: repeated(1, () => Diagnostic) },
);

// ValidateDataResourceConfig

export interface ValidateDataResourceConfigRequest {
  typeName: string;
  config?: DynamicValue;
}
export const ValidateDataResourceConfigRequest: MessageCodec<ValidateDataResourceConfigRequest> = message<ValidateDataResourceConfigRequest>(
  'tfplugin6.ValidateDataResourceConfig.Request',
  {
    typeName: field(1, 'string'),
    config: field(2, () => DynamicValue),
  },
);

export interface ValidateDataResourceConfigResponse {
  diagnostics: Diagnostic[];
}
export const ValidateDataResourceConfigResponse: MessageCodec<ValidateDataResourceConfigResponse> =
  message<ValidateDataResourceConfigResponse>('tfplugin6.ValidateDataResourceConfig.Response', {
    diagnostics: repeated(1, () => Diagnostic),
  });

// UpgradeResourceState

export interface UpgradeResourceStateRequest {
  typeName: string;
  /** Schema version recorded in the state. */
  version: number;
  rawState?: RawState;
}
export const UpgradeResourceStateRequest: MessageCodec<UpgradeResourceStateRequest> = message<UpgradeResourceStateRequest>(
  'tfplugin6.UpgradeResourceState.Request',
  {
    typeName: field(1, 'string'),
    version: field(2, 'int64'),
    rawState: field(3, () => RawState),
  },
);

export interface UpgradeResourceStateResponse {
  upgradedState?: DynamicValue;
  diagnostics: Diagnostic[];
}
export const UpgradeResourceStateResponse: MessageCodec<UpgradeResourceStateResponse> = message<UpgradeResourceStateResponse>(
  'tfplugin6.UpgradeResourceState.Response',
  {
    upgradedState: field(1, () => DynamicValue),
    diagnostics: repeated(2, () => Diagnostic),
  },
);

// ConfigureProvider

export interface ConfigureProviderRequest {
  terraformVersion: string;
  config?: DynamicValue;
  clientCapabilities?: ClientCapabilities;
}
export const ConfigureProviderRequest: MessageCodec<ConfigureProviderRequest> = message<ConfigureProviderRequest>(
  'tfplugin6.ConfigureProvider.Request',
  {
    terraformVersion: field(1, 'string'),
    config: field(2, () => DynamicValue),
    clientCapabilities: field(3, () => ClientCapabilities),
  },
);

export interface ConfigureProviderResponse {
  diagnostics: Diagnostic[];
}
export const ConfigureProviderResponse: MessageCodec<ConfigureProviderResponse> = message<ConfigureProviderResponse>(
  'tfplugin6.ConfigureProvider.Response',
  { diagnostics: repeated(1, () => Diagnostic) },
);

// ReadResource

export interface ReadResourceRequest {
  typeName: string;
  currentState?: DynamicValue;
  private: Uint8Array;
  providerMeta?: DynamicValue;
  clientCapabilities?: ClientCapabilities;
}
export const ReadResourceRequest: MessageCodec<ReadResourceRequest> = message<ReadResourceRequest>('tfplugin6.ReadResource.Request', {
  typeName: field(1, 'string'),
  currentState: field(2, () => DynamicValue),
  private: field(3, 'bytes'),
  providerMeta: field(4, () => DynamicValue),
  clientCapabilities: field(5, () => ClientCapabilities),
});

export interface ReadResourceResponse {
  newState?: DynamicValue;
  diagnostics: Diagnostic[];
  private: Uint8Array;
  deferred?: Deferred;
}
export const ReadResourceResponse: MessageCodec<ReadResourceResponse> = message<ReadResourceResponse>('tfplugin6.ReadResource.Response', {
  newState: field(1, () => DynamicValue),
  diagnostics: repeated(2, () => Diagnostic),
  private: field(3, 'bytes'),
  deferred: field(4, () => Deferred),
});

// PlanResourceChange

export interface PlanResourceChangeRequest {
  typeName: string;
  priorState?: DynamicValue;
  proposedNewState?: DynamicValue;
  config?: DynamicValue;
  priorPrivate: Uint8Array;
  providerMeta?: DynamicValue;
  clientCapabilities?: ClientCapabilities;
}
export const PlanResourceChangeRequest: MessageCodec<PlanResourceChangeRequest> = message<PlanResourceChangeRequest>(
  'tfplugin6.PlanResourceChange.Request',
  {
    typeName: field(1, 'string'),
    priorState: field(2, () => DynamicValue),
    proposedNewState: field(3, () => DynamicValue),
    config: field(4, () => DynamicValue),
    priorPrivate: field(5, 'bytes'),
    providerMeta: field(6, () => DynamicValue),
    clientCapabilities: field(7, () => ClientCapabilities),
  },
);

export interface PlanResourceChangeResponse {
  plannedState?: DynamicValue;
  requiresReplace: AttributePath[];
  plannedPrivate: Uint8Array;
  diagnostics: Diagnostic[];
  /** Reserved for Terraform's legacy SDK; must stay false. */
  legacyTypeSystem: boolean;
  deferred?: Deferred;
}
export const PlanResourceChangeResponse: MessageCodec<PlanResourceChangeResponse> = message<PlanResourceChangeResponse>(
  'tfplugin6.PlanResourceChange.Response',
  {
    plannedState: field(1, () => DynamicValue),
    requiresReplace: repeated(2, () => AttributePath),
    plannedPrivate: field(3, 'bytes'),
    diagnostics: repeated(4, () => Diagnostic),
    legacyTypeSystem: field(5, 'bool'),
    deferred: field(6, () => Deferred),
  },
);

// ApplyResourceChange

export interface ApplyResourceChangeRequest {
  typeName: string;
  priorState?: DynamicValue;
  plannedState?: DynamicValue;
  config?: DynamicValue;
  plannedPrivate: Uint8Array;
  providerMeta?: DynamicValue;
}
export const ApplyResourceChangeRequest: MessageCodec<ApplyResourceChangeRequest> = message<ApplyResourceChangeRequest>(
  'tfplugin6.ApplyResourceChange.Request',
  {
    typeName: field(1, 'string'),
    priorState: field(2, () => DynamicValue),
    plannedState: field(3, () => DynamicValue),
    config: field(4, () => DynamicValue),
    plannedPrivate: field(5, 'bytes'),
    providerMeta: field(6, () => DynamicValue),
  },
);

export interface ApplyResourceChangeResponse {
  newState?: DynamicValue;
  private: Uint8Array;
  diagnostics: Diagnostic[];
  /** Reserved for Terraform's legacy SDK; must stay false. */
  legacyTypeSystem: boolean;
}
export const ApplyResourceChangeResponse: MessageCodec<ApplyResourceChangeResponse> = message<ApplyResourceChangeResponse>(
  'tfplugin6.ApplyResourceChange.Response',
  {
    newState: field(1, () => DynamicValue),
    private: field(2, 'bytes'),
    diagnostics: repeated(3, () => Diagnostic),
    legacyTypeSystem: field(4, 'bool'),
  },
);

// ImportResourceState

export interface ImportResourceStateRequest {
  typeName: string;
  id: string;
  clientCapabilities?: ClientCapabilities;
}
export const ImportResourceStateRequest: MessageCodec<ImportResourceStateRequest> = message<ImportResourceStateRequest>(
  'tfplugin6.ImportResourceState.Request',
  {
    typeName: field(1, 'string'),
    id: field(2, 'string'),
    clientCapabilities: field(3, () => ClientCapabilities),
  },
);

export interface ImportedResource {
  typeName: string;
  state?: DynamicValue;
  private: Uint8Array;
}
export const ImportedResource: MessageCodec<ImportedResource> = message<ImportedResource>('tfplugin6.ImportResourceState.ImportedResource', {
  typeName: field(1, 'string'),
  state: field(2, () => DynamicValue),
  private: field(3, 'bytes'),
});

export interface ImportResourceStateResponse {
  importedResources: ImportedResource[];
  diagnostics: Diagnostic[];
  deferred?: Deferred;
}
export const ImportResourceStateResponse: MessageCodec<ImportResourceStateResponse> = message<ImportResourceStateResponse>(
  'tfplugin6.ImportResourceState.Response',
  {
    importedResources: repeated(1, () => ImportedResource),
    diagnostics: repeated(2, () => Diagnostic),
    deferred: field(3, () => Deferred),
  },
);

// MoveResourceState

export interface MoveResourceStateRequest {
  sourceProviderAddress: string;
  sourceTypeName: string;
  sourceSchemaVersion: number;
  /** Only `json` is populated by Terraform. */
  sourceState?: RawState;
  targetTypeName: string;
  sourcePrivate: Uint8Array;
}
export const MoveResourceStateRequest: MessageCodec<MoveResourceStateRequest> = message<MoveResourceStateRequest>(
  'tfplugin6.MoveResourceState.Request',
  {
    sourceProviderAddress: field(1, 'string'),
    sourceTypeName: field(2, 'string'),
    sourceSchemaVersion: field(3, 'int64'),
    sourceState: field(4, () => RawState),
    targetTypeName: field(5, 'string'),
    sourcePrivate: field(6, 'bytes'),
  },
);

export interface MoveResourceStateResponse {
  targetState?: DynamicValue;
  diagnostics: Diagnostic[];
  targetPrivate: Uint8Array;
}
export const MoveResourceStateResponse: MessageCodec<MoveResourceStateResponse> = message<MoveResourceStateResponse>(
  'tfplugin6.MoveResourceState.Response',
  {
    targetState: field(1, () => DynamicValue),
    diagnostics: repeated(2, () => Diagnostic),
    targetPrivate: field(3, 'bytes'),
  },
);

// ReadDataSource

export interface ReadDataSourceRequest {
  typeName: string;
  config?: DynamicValue;
  providerMeta?: DynamicValue;
  clientCapabilities?: ClientCapabilities;
}
export const ReadDataSourceRequest: MessageCodec<ReadDataSourceRequest> = message<ReadDataSourceRequest>('tfplugin6.ReadDataSource.Request', {
  typeName: field(1, 'string'),
  config: field(2, () => DynamicValue),
  providerMeta: field(3, () => DynamicValue),
  clientCapabilities: field(4, () => ClientCapabilities),
});

export interface ReadDataSourceResponse {
  state?: DynamicValue;
  diagnostics: Diagnostic[];
  deferred?: Deferred;
}
export const ReadDataSourceResponse: MessageCodec<ReadDataSourceResponse> = message<ReadDataSourceResponse>('tfplugin6.ReadDataSource.Response', {
  state: field(1, () => DynamicValue),
  diagnostics: repeated(2, () => Diagnostic),
  deferred: field(3, () => Deferred),
});

// GetFunctions / CallFunction

export type GetFunctionsRequest = EmptyMessage;
export const GetFunctionsRequest = emptyMessage('tfplugin6.GetFunctions.Request');

export interface GetFunctionsResponse {
  functions: Record<string, FunctionDefinition>;
  diagnostics: Diagnostic[];
}
export const GetFunctionsResponse: MessageCodec<GetFunctionsResponse> = message<GetFunctionsResponse>('tfplugin6.GetFunctions.Response', {
  functions: mapOf(1, () => FunctionDefinition),
  diagnostics: repeated(2, () => Diagnostic),
});

export interface CallFunctionRequest {
  name: string;
  arguments: DynamicValue[];
}
export const CallFunctionRequest: MessageCodec<CallFunctionRequest> = message<CallFunctionRequest>('tfplugin6.CallFunction.Request', {
  name: field(1, 'string'),
  arguments: repeated(2, () => DynamicValue),
});

export interface CallFunctionResponse {
  result?: DynamicValue;
  error?: FunctionError;
}
export const CallFunctionResponse: MessageCodec<CallFunctionResponse> = message<CallFunctionResponse>('tfplugin6.CallFunction.Response', {
  result: field(1, () => DynamicValue),
  error: field(2, () => FunctionError),
});

// StopProvider

export type StopProviderRequest = EmptyMessage;
export const StopProviderRequest = emptyMessage('tfplugin6.StopProvider.Request');

export interface StopProviderResponse {
  /** The proto field is named `Error` (capital E); empty means success. */
  error: string;
}
export const StopProviderResponse: MessageCodec<StopProviderResponse> = message<StopProviderResponse>('tfplugin6.StopProvider.Response', {
  error: field(1, 'string'),
});

// ---------------------------------------------------------------------------
// Service method table

export const PROVIDER_SERVICE = 'tfplugin6.Provider';

/** Request and response types of every described `tfplugin6.Provider` RPC. */
export interface ProviderRpcTypes {
  GetMetadata: { request: GetMetadataRequest; response: GetMetadataResponse };
  GetProviderSchema: { request: GetProviderSchemaRequest; response: GetProviderSchemaResponse };
  ValidateProviderConfig: { request: ValidateProviderConfigRequest; response: ValidateProviderConfigResponse };
  ValidateResourceConfig: { request: ValidateResourceConfigRequest; response: ValidateResourceConfigResponse };
  ValidateDataResourceConfig: { request: ValidateDataResourceConfigRequest; response: ValidateDataResourceConfigResponse };
  UpgradeResourceState: { request: UpgradeResourceStateRequest; response: UpgradeResourceStateResponse };
  ConfigureProvider: { request: ConfigureProviderRequest; response: ConfigureProviderResponse };
  ReadResource: { request: ReadResourceRequest; response: ReadResourceResponse };
  PlanResourceChange: { request: PlanResourceChangeRequest; response: PlanResourceChangeResponse };
  ApplyResourceChange: { request: ApplyResourceChangeRequest; response: ApplyResourceChangeResponse };
  ImportResourceState: { request: ImportResourceStateRequest; response: ImportResourceStateResponse };
  MoveResourceState: { request: MoveResourceStateRequest; response: MoveResourceStateResponse };
  ReadDataSource: { request: ReadDataSourceRequest; response: ReadDataSourceResponse };
  GetFunctions: { request: GetFunctionsRequest; response: GetFunctionsResponse };
  CallFunction: { request: CallFunctionRequest; response: CallFunctionResponse };
  StopProvider: { request: StopProviderRequest; response: StopProviderResponse };
}

export type RpcName = keyof ProviderRpcTypes;
export type RequestOf<N extends RpcName> = ProviderRpcTypes[N]['request'];
export type ResponseOf<N extends RpcName> = ProviderRpcTypes[N]['response'];

export interface MethodCodecs<Req, Resp> {
  readonly request: Codec<Req>;
  readonly response: Codec<Resp>;
}

/** Codecs per RPC, for dispatching `/tfplugin6.Provider/<RpcName>` generically. */
export const providerMethods: { readonly [N in RpcName]: MethodCodecs<RequestOf<N>, ResponseOf<N>> } = {
  GetMetadata: { request: GetMetadataRequest, response: GetMetadataResponse },
  GetProviderSchema: { request: GetProviderSchemaRequest, response: GetProviderSchemaResponse },
  ValidateProviderConfig: { request: ValidateProviderConfigRequest, response: ValidateProviderConfigResponse },
  ValidateResourceConfig: { request: ValidateResourceConfigRequest, response: ValidateResourceConfigResponse },
  ValidateDataResourceConfig: { request: ValidateDataResourceConfigRequest, response: ValidateDataResourceConfigResponse },
  UpgradeResourceState: { request: UpgradeResourceStateRequest, response: UpgradeResourceStateResponse },
  ConfigureProvider: { request: ConfigureProviderRequest, response: ConfigureProviderResponse },
  ReadResource: { request: ReadResourceRequest, response: ReadResourceResponse },
  PlanResourceChange: { request: PlanResourceChangeRequest, response: PlanResourceChangeResponse },
  ApplyResourceChange: { request: ApplyResourceChangeRequest, response: ApplyResourceChangeResponse },
  ImportResourceState: { request: ImportResourceStateRequest, response: ImportResourceStateResponse },
  MoveResourceState: { request: MoveResourceStateRequest, response: MoveResourceStateResponse },
  ReadDataSource: { request: ReadDataSourceRequest, response: ReadDataSourceResponse },
  GetFunctions: { request: GetFunctionsRequest, response: GetFunctionsResponse },
  CallFunction: { request: CallFunctionRequest, response: CallFunctionResponse },
  StopProvider: { request: StopProviderRequest, response: StopProviderResponse },
};

/** Narrows a method name taken from a request path (`/tfplugin6.Provider/<name>`). */
export function isRpcName(name: string): name is RpcName {
  return Object.prototype.hasOwnProperty.call(providerMethods, name);
}
