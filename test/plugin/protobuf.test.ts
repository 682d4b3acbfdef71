import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type MessageCodec,
  ProtobufDecodeError,
  ProtobufEncodeError,
  field,
  mapOf,
  message,
  repeated,
} from '../../provider/plugin/proto/wire';
import * as tf from '../../provider/plugin/proto/tfplugin6';
import {
  type AttributePath,
  type ClientCapabilities,
  type Deferred,
  type Diagnostic,
  type DynamicValue,
  type FunctionDefinition,
  type FunctionParameter,
  type Schema,
  type SchemaAttribute,
  type SchemaBlock,
  type SchemaNestedBlock,
  type SchemaObject,
  type ServerCapabilities,
  DiagnosticSeverity,
  NestedBlockNestingMode,
  ObjectNestingMode,
  StringKind,
  DeferredReason,
  providerMethods,
  isRpcName,
  PROVIDER_SERVICE,
} from '../../provider/plugin/proto/tfplugin6';
import * as gp from '../../provider/plugin/proto/go-plugin';

// ---------------------------------------------------------------------------
// Helpers, written independently of wire.ts so that they can check it.

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const u8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Reference varint encoder (BigInt, two's complement for negatives). */
function varint(value: bigint | number): string {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? b : b | 0x80);
  } while (v !== 0n);
  return Buffer.from(out).toString('hex');
}

/** Reference top-level wire scan: the field number of every field, and the offsets where fields end. */
function scanFields(b: Uint8Array): { numbers: number[]; ends: number[] } {
  let p = 0;
  const readVarint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const c = b[p++];
      if (c === undefined) throw new Error('reference scanner: truncated');
      v |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) return v;
    }
  };
  const numbers: number[] = [];
  const ends: number[] = [];
  while (p < b.length) {
    const tag = Number(readVarint());
    numbers.push(tag >>> 3);
    switch (tag & 7) {
      case 0:
        readVarint();
        break;
      case 1:
        p += 8;
        break;
      case 2: {
        const len = Number(readVarint()); // read before `p +=` captures p
        p += len;
        break;
      }
      case 5:
        p += 4;
        break;
      default:
        throw new Error(`reference scanner: wire type ${tag & 7}`);
    }
    ends.push(p);
  }
  return { numbers, ends };
}

function assertDecodeError(fn: () => unknown, reason: ProtobufDecodeError['reason']): ProtobufDecodeError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProtobufDecodeError, `expected ProtobufDecodeError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    return e;
  }
  assert.fail(`expected a ProtobufDecodeError (${reason})`);
}

// ---------------------------------------------------------------------------
// Field numbers transcribed from tfplugin6.8.proto, keyed by proto field name. Each
// sample below sets every field; the test encodes each field alone and checks its tag.

const PROTO_FIELDS: Record<string, Record<string, number>> = {
  'tfplugin6.DynamicValue': { msgpack: 1, json: 2 },
  'tfplugin6.AttributePath.Step': { attribute_name: 1, element_key_string: 2, element_key_int: 3 },
  'tfplugin6.AttributePath': { steps: 1 },
  'tfplugin6.Diagnostic': { severity: 1, summary: 2, detail: 3, attribute: 4 },
  'tfplugin6.FunctionError': { text: 1, function_argument: 2 },
  'tfplugin6.RawState': { json: 1, flatmap: 2 },
  'tfplugin6.ServerCapabilities': { plan_destroy: 1, get_provider_schema_optional: 2, move_resource_state: 3 },
  'tfplugin6.ClientCapabilities': { deferral_allowed: 1, write_only_attributes_allowed: 2 },
  'tfplugin6.Deferred': { reason: 1 },
  'tfplugin6.Schema': { version: 1, block: 2 },
  'tfplugin6.Schema.Block': { version: 1, attributes: 2, block_types: 3, description: 4, description_kind: 5, deprecated: 6 },
  'tfplugin6.Schema.Attribute': {
    name: 1,
    type: 2,
    nested_type: 10,
    description: 3,
    required: 4,
    optional: 5,
    computed: 6,
    sensitive: 7,
    description_kind: 8,
    deprecated: 9,
    write_only: 11,
  },
  'tfplugin6.Schema.NestedBlock': { type_name: 1, block: 2, nesting: 3, min_items: 4, max_items: 5 },
  'tfplugin6.Schema.Object': { attributes: 1, nesting: 3 },
  'tfplugin6.Function.Parameter': { name: 1, type: 2, allow_null_value: 3, allow_unknown_values: 4, description: 5, description_kind: 6 },
  'tfplugin6.Function.Return': { type: 1 },
  'tfplugin6.Function': { parameters: 1, variadic_parameter: 2, return: 3, summary: 4, description: 5, description_kind: 6, deprecation_message: 7 },
  'tfplugin6.GetMetadata.Request': {},
  'tfplugin6.GetMetadata.Response': { server_capabilities: 1, diagnostics: 2, data_sources: 3, resources: 4, functions: 5, ephemeral_resources: 6 },
  'tfplugin6.GetMetadata.DataSourceMetadata': { type_name: 1 },
  'tfplugin6.GetMetadata.ResourceMetadata': { type_name: 1 },
  'tfplugin6.GetMetadata.FunctionMetadata': { name: 1 },
  'tfplugin6.GetMetadata.EphemeralMetadata': { type_name: 1 },
  'tfplugin6.GetProviderSchema.Request': {},
  'tfplugin6.GetProviderSchema.Response': {
    provider: 1,
    resource_schemas: 2,
    data_source_schemas: 3,
    functions: 7,
    ephemeral_resource_schemas: 8,
    diagnostics: 4,
    provider_meta: 5,
    server_capabilities: 6,
  },
  'tfplugin6.ValidateProviderConfig.Request': { config: 1 },
  'tfplugin6.ValidateProviderConfig.Response': { diagnostics: 2 },
  'tfplugin6.ValidateResourceConfig.Request': { type_name: 1, config: 2, client_capabilities: 3 },
  'tfplugin6.ValidateResourceConfig.Response': { diagnostics: 1 },
  'tfplugin6.ValidateDataResourceConfig.Request': { type_name: 1, config: 2 },
  'tfplugin6.ValidateDataResourceConfig.Response': { diagnostics: 1 },
  'tfplugin6.UpgradeResourceState.Request': { type_name: 1, version: 2, raw_state: 3 },
  'tfplugin6.UpgradeResourceState.Response': { upgraded_state: 1, diagnostics: 2 },
  'tfplugin6.ConfigureProvider.Request': { terraform_version: 1, config: 2, client_capabilities: 3 },
  'tfplugin6.ConfigureProvider.Response': { diagnostics: 1 },
  'tfplugin6.ReadResource.Request': { type_name: 1, current_state: 2, private: 3, provider_meta: 4, client_capabilities: 5 },
  'tfplugin6.ReadResource.Response': { new_state: 1, diagnostics: 2, private: 3, deferred: 4 },
  'tfplugin6.PlanResourceChange.Request': {
    type_name: 1,
    prior_state: 2,
    proposed_new_state: 3,
    config: 4,
    prior_private: 5,
    provider_meta: 6,
    client_capabilities: 7,
  },
  'tfplugin6.PlanResourceChange.Response': {
    planned_state: 1,
    requires_replace: 2,
    planned_private: 3,
    diagnostics: 4,
    legacy_type_system: 5,
    deferred: 6,
  },
  'tfplugin6.ApplyResourceChange.Request': { type_name: 1, prior_state: 2, planned_state: 3, config: 4, planned_private: 5, provider_meta: 6 },
  'tfplugin6.ApplyResourceChange.Response': { new_state: 1, private: 2, diagnostics: 3, legacy_type_system: 4 },
  'tfplugin6.ImportResourceState.Request': { type_name: 1, id: 2, client_capabilities: 3 },
  'tfplugin6.ImportResourceState.ImportedResource': { type_name: 1, state: 2, private: 3 },
  'tfplugin6.ImportResourceState.Response': { imported_resources: 1, diagnostics: 2, deferred: 3 },
  'tfplugin6.MoveResourceState.Request': {
    source_provider_address: 1,
    source_type_name: 2,
    source_schema_version: 3,
    source_state: 4,
    target_type_name: 5,
    source_private: 6,
  },
  'tfplugin6.MoveResourceState.Response': { target_state: 1, diagnostics: 2, target_private: 3 },
  'tfplugin6.ReadDataSource.Request': { type_name: 1, config: 2, provider_meta: 3, client_capabilities: 4 },
  'tfplugin6.ReadDataSource.Response': { state: 1, diagnostics: 2, deferred: 3 },
  'tfplugin6.GetFunctions.Request': {},
  'tfplugin6.GetFunctions.Response': { functions: 1, diagnostics: 2 },
  'tfplugin6.CallFunction.Request': { name: 1, arguments: 2 },
  'tfplugin6.CallFunction.Response': { result: 1, error: 2 },
  'tfplugin6.StopProvider.Request': {},
  'tfplugin6.StopProvider.Response': { Error: 1 },
  'google.protobuf.Empty': {},
  'grpc.health.v1.HealthCheckRequest': { service: 1 },
  'grpc.health.v1.HealthCheckResponse': { status: 1 },
  'plugin.StdioData': { channel: 1, data: 2 },
};

function protoName(typeName: string, key: string): string {
  if (typeName === 'tfplugin6.StopProvider.Response' && key === 'error') return 'Error';
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// ---------------------------------------------------------------------------
// Samples with every field set to a non-default value.

const dv = (msgpackHex: string): DynamicValue => ({ msgpack: unhex(msgpackHex) });
const fullDv: DynamicValue = { msgpack: unhex('81a26964a178'), json: u8('{"id":"x"}') };
const path: AttributePath = { steps: [{ attributeName: 'tags' }, { elementKeyString: 'k' }, { elementKeyInt: 3 }] };
const diag: Diagnostic = { severity: DiagnosticSeverity.ERROR, summary: 'bad', detail: 'very bad', attribute: path };
const warn: Diagnostic = { severity: DiagnosticSeverity.WARNING, summary: 'hmm', detail: 'd', attribute: { steps: [{ attributeName: 'x' }] } };
const clientCaps: ClientCapabilities = { deferralAllowed: true, writeOnlyAttributesAllowed: true };
const serverCaps: ServerCapabilities = { planDestroy: true, getProviderSchemaOptional: true, moveResourceState: true };
const deferred: Deferred = { reason: DeferredReason.ABSENT_PREREQ };
const leafAttr: SchemaAttribute = {
  name: 'k',
  type: u8('"string"'),
  description: 'key',
  required: true,
  optional: true,
  computed: true,
  sensitive: true,
  descriptionKind: StringKind.MARKDOWN,
  deprecated: true,
  writeOnly: true,
};
const object: SchemaObject = { attributes: [leafAttr, { ...leafAttr, name: 'v' }], nesting: ObjectNestingMode.LIST };
const objAttr: SchemaAttribute = { ...leafAttr, name: 'o', type: u8('["list","string"]'), nestedType: object };
const innerBlock: SchemaBlock = {
  version: 7,
  attributes: [leafAttr],
  blockTypes: [],
  description: 'inner',
  descriptionKind: StringKind.PLAIN,
  deprecated: false,
};
const nestedBlock: SchemaNestedBlock = { typeName: 'rule', block: innerBlock, nesting: NestedBlockNestingMode.LIST, minItems: 1, maxItems: 5 };
const block: SchemaBlock = {
  version: 2,
  attributes: [leafAttr, objAttr],
  blockTypes: [nestedBlock, { ...nestedBlock, typeName: 'set', nesting: NestedBlockNestingMode.SET }],
  description: 'A **site**',
  descriptionKind: StringKind.MARKDOWN,
  deprecated: true,
};
const schema: Schema = { version: 3, block };
const param: FunctionParameter = {
  name: 'input',
  type: u8('"string"'),
  allowNullValue: true,
  allowUnknownValues: true,
  description: 'the input',
  descriptionKind: StringKind.MARKDOWN,
};
const fn: FunctionDefinition = {
  parameters: [param, { ...param, name: 'n', type: u8('"number"') }],
  variadicParameter: { ...param, name: 'rest' },
  return: { type: u8('"string"') },
  summary: 'echo',
  description: 'Echoes its input',
  descriptionKind: StringKind.MARKDOWN,
  deprecationMessage: 'use echo2',
};

interface Sample {
  codec: MessageCodec<unknown>;
  value: unknown;
}
const sample = <T>(codec: MessageCodec<T>, value: T): Sample => ({ codec: codec as MessageCodec<unknown>, value });

/** Exported so that a one-off script can feed them to another protobuf implementation. */
export const fullSamples: Sample[] = [
  sample(tf.DynamicValue, fullDv),
  sample(tf.AttributePathStep, { attributeName: 'a' }),
  sample(tf.AttributePathStep, { elementKeyString: 'b' }),
  sample(tf.AttributePathStep, { elementKeyInt: -4 }),
  sample(tf.AttributePath, path),
  sample(tf.Diagnostic, diag),
  sample(tf.FunctionError, { text: 'boom', functionArgument: 1 }),
  sample(tf.RawState, { json: u8('{"id":"x"}'), flatmap: { id: 'x', 'tags.%': '0' } }),
  sample(tf.ServerCapabilities, serverCaps),
  sample(tf.ClientCapabilities, clientCaps),
  sample(tf.Deferred, deferred),
  sample(tf.Schema, schema),
  sample(tf.SchemaBlock, block),
  sample(tf.SchemaAttribute, objAttr),
  sample(tf.SchemaNestedBlock, nestedBlock),
  sample(tf.SchemaObject, object),
  sample(tf.FunctionParameter, param),
  sample(tf.FunctionReturn, { type: u8('"bool"') }),
  sample(tf.FunctionDefinition, fn),
  sample(tf.GetMetadataRequest, {}),
  sample(tf.GetMetadataResponse, {
    serverCapabilities: serverCaps,
    diagnostics: [warn],
    dataSources: [{ typeName: 'vmoodle_info' }],
    resources: [{ typeName: 'vmoodle_site' }, { typeName: 'vmoodle_user' }],
    functions: [{ name: 'echo' }],
    ephemeralResources: [{ typeName: 'vmoodle_token' }],
  }),
  sample(tf.DataSourceMetadata, { typeName: 'd' }),
  sample(tf.ResourceMetadata, { typeName: 'r' }),
  sample(tf.FunctionMetadata, { name: 'f' }),
  sample(tf.EphemeralResourceMetadata, { typeName: 'e' }),
  sample(tf.GetProviderSchemaRequest, {}),
  sample(tf.GetProviderSchemaResponse, {
    provider: { version: 0, block: { ...innerBlock, blockTypes: [] } },
    resourceSchemas: { vmoodle_site: schema, vmoodle_user: { version: 1, block: innerBlock } },
    dataSourceSchemas: { vmoodle_info: { version: 0, block: innerBlock } },
    functions: { echo: fn },
    ephemeralResourceSchemas: { vmoodle_token: { version: 0, block: innerBlock } },
    diagnostics: [warn, diag],
    providerMeta: { version: 1, block: innerBlock },
    serverCapabilities: serverCaps,
  }),
  sample(tf.ValidateProviderConfigRequest, { config: dv('81a3757269a178') }),
  sample(tf.ValidateProviderConfigResponse, { diagnostics: [diag] }),
  sample(tf.ValidateResourceConfigRequest, { typeName: 'vmoodle_site', config: fullDv, clientCapabilities: clientCaps }),
  sample(tf.ValidateResourceConfigResponse, { diagnostics: [diag, warn] }),
  sample(tf.ValidateDataResourceConfigRequest, { typeName: 'vmoodle_info', config: dv('c0') }),
  sample(tf.ValidateDataResourceConfigResponse, { diagnostics: [warn] }),
  sample(tf.UpgradeResourceStateRequest, { typeName: 'vmoodle_site', version: 2, rawState: { json: u8('{"id":"1"}'), flatmap: { id: '1' } } }),
  sample(tf.UpgradeResourceStateResponse, { upgradedState: dv('81a26964a131'), diagnostics: [warn] }),
  sample(tf.ConfigureProviderRequest, { terraformVersion: '1.11.4', config: dv('80'), clientCapabilities: clientCaps }),
  sample(tf.ConfigureProviderResponse, { diagnostics: [diag] }),
  sample(tf.ReadResourceRequest, {
    typeName: 'vmoodle_site',
    currentState: dv('81a26964a131'),
    private: u8('apply-private'),
    providerMeta: dv('c0'),
    clientCapabilities: clientCaps,
  }),
  sample(tf.ReadResourceResponse, { newState: dv('81a26964a131'), diagnostics: [warn], private: u8('read-private'), deferred }),
  sample(tf.PlanResourceChangeRequest, {
    typeName: 'vmoodle_site',
    priorState: dv('c0'),
    proposedNewState: dv('81a26964c0'),
    config: dv('81a26964c0'),
    priorPrivate: u8('plan-private'),
    providerMeta: dv('c0'),
    clientCapabilities: clientCaps,
  }),
  sample(tf.PlanResourceChangeResponse, {
    plannedState: dv('81a26964d40000'),
    requiresReplace: [path, { steps: [{ attributeName: 'name' }] }],
    plannedPrivate: u8('planned'),
    diagnostics: [warn],
    legacyTypeSystem: true,
    deferred,
  }),
  sample(tf.ApplyResourceChangeRequest, {
    typeName: 'vmoodle_site',
    priorState: dv('c0'),
    plannedState: dv('81a26964d40000'),
    config: dv('81a26964c0'),
    plannedPrivate: u8('planned'),
    providerMeta: dv('c0'),
  }),
  sample(tf.ApplyResourceChangeResponse, { newState: dv('81a26964a131'), private: u8('applied'), diagnostics: [warn], legacyTypeSystem: true }),
  sample(tf.ImportResourceStateRequest, { typeName: 'vmoodle_site', id: 'ext-123', clientCapabilities: clientCaps }),
  sample(tf.ImportedResource, { typeName: 'vmoodle_site', state: dv('81a26964a131'), private: u8('imported') }),
  sample(tf.ImportResourceStateResponse, {
    importedResources: [{ typeName: 'vmoodle_site', state: dv('81a26964a131'), private: u8('imported') }],
    diagnostics: [warn],
    deferred,
  }),
  sample(tf.MoveResourceStateRequest, {
    sourceProviderAddress: 'registry.terraform.io/acme/old',
    sourceTypeName: 'old_site',
    sourceSchemaVersion: 4,
    sourceState: { json: u8('{"id":"1"}'), flatmap: { id: '1' } },
    targetTypeName: 'vmoodle_site',
    sourcePrivate: u8('moved'),
  }),
  sample(tf.MoveResourceStateResponse, { targetState: dv('81a26964a131'), diagnostics: [warn], targetPrivate: u8('target') }),
  sample(tf.ReadDataSourceRequest, { typeName: 'vmoodle_info', config: dv('80'), providerMeta: dv('c0'), clientCapabilities: clientCaps }),
  sample(tf.ReadDataSourceResponse, { state: dv('81a26964a131'), diagnostics: [warn], deferred }),
  sample(tf.GetFunctionsRequest, {}),
  sample(tf.GetFunctionsResponse, { functions: { echo: fn, other: { ...fn, summary: 'other' } }, diagnostics: [warn] }),
  sample(tf.CallFunctionRequest, { name: 'echo', arguments: [dv('a161'), dv('c0'), fullDv] }),
  sample(tf.CallFunctionResponse, { result: dv('a161'), error: { text: 'bad argument', functionArgument: 0 } }),
  sample(tf.StopProviderRequest, {}),
  sample(tf.StopProviderResponse, { error: 'cannot stop' }),
  sample(gp.Empty, {}),
  sample(gp.HealthCheckRequest, { service: 'plugin' }),
  sample(gp.HealthCheckResponse, { status: gp.ServingStatus.SERVING }),
  sample(gp.StdioData, { channel: gp.StdioChannel.STDERR, data: u8('hello\n') }),
];

// ---------------------------------------------------------------------------
// Exact bytes (hand-computed; also confirmed once against Google's protobuf runtime).

test('exact bytes: Diagnostic with an attribute path (oneof steps)', () => {
  const d = { severity: DiagnosticSeverity.ERROR, summary: 'bad', attribute: { steps: [{ attributeName: 'tags' }, { elementKeyString: 'k' }, { elementKeyInt: 2 }] } };
  const expected = '0801 1203626164 2211 0a060a0474616773 0a0312016b 0a021802';
  assert.equal(hex(tf.Diagnostic.encode(d)), expected.replace(/ /g, ''));
  assert.deepEqual(tf.Diagnostic.decode(unhex(expected)), { ...d, detail: '' });
});

test('exact bytes: Schema.Attribute with JSON type "string", description, computed and write_only (field 11)', () => {
  const a = { name: 'id', type: u8('"string"'), description: 'The ID', computed: true, writeOnly: true };
  // Encoded in field-number order: name=1 type=2 description=3 computed=6 write_only=11 (tag 0x58).
  assert.equal(hex(tf.SchemaAttribute.encode(a)), '0a026964' + '1208' + hex(u8('"string"')) + '1a06' + hex(u8('The ID')) + '3001' + '5801');
});

test('exact bytes: Schema.Attribute with a nested_type object (field 10)', () => {
  const a = { name: 'o', nestedType: { attributes: [{ name: 'a', type: u8('"number"') }], nesting: ObjectNestingMode.SINGLE } };
  const expected = '0a016f' + '5211' + '0a0d' + '0a0161' + '1208' + hex(u8('"number"')) + '1801';
  assert.equal(hex(tf.SchemaAttribute.encode(a)), expected);
  const decoded = tf.SchemaAttribute.decode(unhex(expected));
  assert.equal(decoded.nestedType?.attributes[0]?.name, 'a');
  assert.equal(decoded.nestedType?.nesting, ObjectNestingMode.SINGLE);
});

test('exact bytes: RawState with json and a flatmap entry (map<string,string>)', () => {
  assert.equal(hex(tf.RawState.encode({ json: u8('{}'), flatmap: { k: 'v' } })), '0a027b7d' + '1206' + '0a016b' + '120176');
});

test('exact bytes: GetProviderSchema.Response map<string, Schema>, including an empty value', () => {
  const r = tf.GetProviderSchemaResponse.encode({ resourceSchemas: { vmoodle_site: { version: 1 }, x: {} } });
  assert.equal(hex(r), '1212' + '0a0c' + hex(u8('vmoodle_site')) + '12020801' + '1205' + '0a0178' + '1200');
});

test('exact bytes: protocol quirks (ValidateProviderConfig diagnostics = 2, StopProvider Error = 1)', () => {
  assert.equal(hex(tf.ValidateProviderConfigResponse.encode({ diagnostics: [{ severity: DiagnosticSeverity.WARNING, summary: 'w' }] })), '1205' + '0802' + '120177');
  assert.equal(hex(tf.StopProviderResponse.encode({ error: 'x' })), '0a0178');
  assert.deepEqual(tf.StopProviderResponse.decode(unhex('0a0178')), { error: 'x' });
});

test('exact bytes: PlanResourceChange.Response', () => {
  const r = { plannedState: { msgpack: unhex('c0') }, requiresReplace: [{ steps: [{ attributeName: 'name' }] }], plannedPrivate: u8('p') };
  assert.equal(hex(tf.PlanResourceChangeResponse.encode(r)), '0a030a01c0' + '12080a060a046e616d65' + '1a0170');
});

test('exact bytes: go-plugin messages', () => {
  assert.equal(gp.Empty.encode({}).length, 0);
  assert.deepEqual(gp.Empty.decode(new Uint8Array(0)), {});
  assert.equal(hex(gp.HealthCheckRequest.encode({ service: 'plugin' })), '0a06' + hex(u8('plugin')));
  assert.equal(hex(gp.HealthCheckResponse.encode({ status: gp.ServingStatus.SERVING })), '0801');
  assert.equal(hex(gp.StdioData.encode({ channel: gp.StdioChannel.STDERR, data: u8('hi') })), '080212026869');
  assert.deepEqual(gp.StdioData.decode(unhex('080112026869')), { channel: gp.StdioChannel.STDOUT, data: u8('hi') });
  assert.equal(gp.goPluginMethods['/plugin.GRPCController/Shutdown'].request, gp.Empty);
});

test('exact bytes: UTF-8 strings and lengths needing 2-byte varints (incl. nested messages)', () => {
  assert.equal(hex(gp.HealthCheckRequest.encode({ service: 'é' })), '0a02c3a9');
  assert.equal(hex(gp.HealthCheckRequest.encode({ service: 'x😀' })), '0a0578f09f9880');
  const long = 'é'.repeat(50) + 'a'.repeat(100); // 200 UTF-8 bytes, longer than the short-string path
  assert.equal(hex(gp.HealthCheckRequest.encode({ service: long })), '0ac801' + hex(u8(long)));
  // A 150-byte name inside Step inside AttributePath inside Diagnostic: each length needs 2 bytes.
  const name = 'n'.repeat(150);
  const d = tf.Diagnostic.encode({ attribute: { steps: [{ attributeName: name }] } });
  assert.equal(hex(d), '229c01' + '0a9901' + '0a9601' + hex(u8(name)));
  assert.deepStrictEqual(tf.Diagnostic.decode(d).attribute, { steps: [{ attributeName: name }] });
  // Lengths of 3 bytes (>= 16384).
  const big = 'z'.repeat(20000);
  const e = tf.Diagnostic.encode({ detail: big, attribute: { steps: [{ attributeName: big }] } });
  assert.equal(hex(e.subarray(0, 4)), '1a' + varint(20000));
  const back = tf.Diagnostic.decode(e);
  assert.equal(back.detail, big);
  assert.deepEqual(back.attribute, { steps: [{ attributeName: big }] });
});

// ---------------------------------------------------------------------------
// Round trips and field numbers for every message.

test('every message round-trips with every field set, and every field uses the proto field number', () => {
  for (const { codec, value } of fullSamples) {
    const fields = PROTO_FIELDS[codec.typeName];
    assert.ok(fields, `no field table for ${codec.typeName}`);
    const encoded = codec.encode(value as never);
    assert.deepStrictEqual(codec.decode(encoded), value, codec.typeName);
    const keys = Object.keys(value as object);
    if (codec.typeName !== 'tfplugin6.AttributePath.Step') {
      assert.deepEqual(keys.map((k) => protoName(codec.typeName, k)).sort(), Object.keys(fields).sort(), `${codec.typeName}: sample must set every field`);
    }
    for (const key of keys) {
      const alone = codec.encode({ [key]: (value as Record<string, unknown>)[key] } as never);
      const { numbers } = scanFields(alone);
      const expected = fields[protoName(codec.typeName, key)];
      assert.ok(numbers.length > 0 && numbers.every((n) => n === expected), `${codec.typeName}.${key}: tags ${numbers.join(',')} expected ${expected}`);
    }
  }
});

test('every exported tfplugin6 and go-plugin codec has a sample', () => {
  const covered = new Set(fullSamples.map((s) => s.codec));
  for (const mod of [tf, gp]) {
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v === 'object' && v !== null && 'typeName' in v && 'decode' in v) assert.ok(covered.has(v as MessageCodec<unknown>), `no sample for ${name}`);
    }
  }
});

test('decoded messages default every non-optional field; absent message fields are undefined', () => {
  assert.deepStrictEqual(tf.Diagnostic.decode(new Uint8Array(0)), { severity: 0, summary: '', detail: '' });
  assert.deepStrictEqual(tf.PlanResourceChangeRequest.decode(new Uint8Array(0)), { typeName: '', priorPrivate: new Uint8Array(0) });
  const schemaResp = tf.GetProviderSchemaResponse.decode(new Uint8Array(0));
  assert.deepStrictEqual(schemaResp, { resourceSchemas: {}, dataSourceSchemas: {}, functions: {}, ephemeralResourceSchemas: {}, diagnostics: [] });
  assert.equal('provider' in schemaResp, false);
  assert.deepStrictEqual(tf.SchemaBlock.create(), { version: 0, attributes: [], blockTypes: [], description: '', descriptionKind: 0, deprecated: false });
  // Defaults are not encoded.
  assert.equal(tf.SchemaAttribute.encode(tf.SchemaAttribute.create()).length, 0);
  assert.equal(tf.ServerCapabilities.encode({ planDestroy: false }).length, 0);
  // Unknown enum numbers survive.
  assert.equal(tf.Diagnostic.decode(unhex('0807')).severity, 7);
});

test('recursive schemas: Block > NestedBlock > Block and Attribute > Object > Attribute', () => {
  let b: SchemaBlock = { ...innerBlock, attributes: [objAttr] };
  for (let i = 0; i < 20; i++) {
    const attr: SchemaAttribute = { ...leafAttr, name: `a${i}`, type: new Uint8Array(0), nestedType: { attributes: [leafAttr, { ...objAttr, name: `o${i}` }], nesting: ObjectNestingMode.SET } };
    b = { ...innerBlock, version: i, attributes: [attr], blockTypes: [{ typeName: `b${i}`, block: b, nesting: NestedBlockNestingMode.GROUP, minItems: 0, maxItems: i }] };
  }
  const s: Schema = { version: 9, block: b };
  assert.deepStrictEqual(tf.Schema.decode(tf.Schema.encode(s)), s);
});

test('maps: message and string values, missing key or value, repeated keys, __proto__', () => {
  // An entry without key or value decodes to '' / the default message.
  const noValue = unhex('1203' + '0a0161');
  assert.deepStrictEqual(tf.GetProviderSchemaResponse.decode(noValue).resourceSchemas, { a: { version: 0 } });
  const noKey = unhex('1204' + '12020801');
  assert.deepStrictEqual(tf.GetProviderSchemaResponse.decode(noKey).resourceSchemas, { '': { version: 1 } });
  // Value before key, an unknown field inside the entry, and a later duplicate key wins.
  const entries = unhex('1206' + '120176' + '0a016b' + '1206' + '0a016b' + '120177' + '1208' + '0a016b' + '120178' + '1801');
  assert.deepStrictEqual(tf.RawState.decode(entries).flatmap, { k: 'x' });
});

test('maps: a __proto__ key is stored as data, not as the prototype', () => {
  const encoded = tf.RawState.encode({ flatmap: JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string> });
  const decoded = tf.RawState.decode(encoded);
  assert.equal(Object.getPrototypeOf(decoded.flatmap), Object.prototype);
  assert.deepEqual(Object.entries(decoded.flatmap), [
    ['__proto__', 'x'],
    ['a', 'b'],
  ]);
});

test('oneof: members have presence (defaults are encoded), the last one on the wire wins', () => {
  assert.equal(hex(tf.AttributePathStep.encode({ elementKeyInt: 0 })), '1800');
  assert.equal(hex(tf.AttributePathStep.encode({ attributeName: '' })), '0a00');
  assert.deepStrictEqual(tf.AttributePathStep.decode(unhex('1800')), { elementKeyInt: 0 });
  assert.deepStrictEqual(tf.AttributePathStep.decode(unhex('0a0161' + '1805')), { elementKeyInt: 5 });
  assert.deepStrictEqual(tf.AttributePathStep.decode(unhex('1805' + '120162')), { elementKeyString: 'b' });
  assert.deepStrictEqual(tf.AttributePathStep.decode(new Uint8Array(0)), {});
  assert.throws(() => tf.AttributePathStep.encode({ attributeName: 'a', elementKeyInt: 1 } as never), ProtobufEncodeError);
});

test('optional: presence is kept for set defaults and absent values', () => {
  assert.equal(hex(tf.FunctionError.encode({ functionArgument: 0 })), '1000');
  assert.deepStrictEqual(tf.FunctionError.decode(unhex('1000')), { text: '', functionArgument: 0 });
  assert.deepStrictEqual(tf.FunctionError.decode(unhex('0a0178')), { text: 'x' });
  assert.equal('functionArgument' in tf.FunctionError.decode(unhex('0a0178')), false);
  // DynamicValue reports which encoding was sent.
  assert.deepStrictEqual(tf.DynamicValue.decode(unhex('0a01c0')), { msgpack: unhex('c0') });
  assert.deepStrictEqual(tf.DynamicValue.decode(unhex('12027b7d')), { json: u8('{}') });
});

test('int64: negative as 10-byte two\'s complement, values up to the safe range, typed error beyond', () => {
  const cases = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, -1, -2, -(2 ** 31), -(2 ** 32), -(2 ** 32) - 1, -(2 ** 53 - 1)];
  for (const v of cases) {
    const expected = v === 0 ? '' : '08' + varint(v);
    assert.equal(hex(tf.Schema.encode({ version: v })), expected, `encode ${v}`);
    assert.equal(tf.Schema.decode(unhex(expected)).version, v, `decode ${v}`);
  }
  assert.equal(hex(tf.Schema.encode({ version: -1 })), '08ffffffffffffffffff01');
  assert.equal(hex(tf.Schema.encode({ version: 2 ** 53 - 1 })), '08ffffffffffffff0f');
  for (const big of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
    const e = assertDecodeError(() => tf.Schema.decode(unhex('08' + varint(big))), 'int64-range');
    assert.match(e.message, new RegExp(`tfplugin6\\.Schema\\.version: int64 value ${big} `));
  }
  assert.throws(() => tf.Schema.encode({ version: 2 ** 53 }), ProtobufEncodeError);
  assert.throws(() => tf.Schema.encode({ version: 1.5 }), ProtobufEncodeError);
});

// Test-only messages for kinds tfplugin6 does not use (repeated scalars, int32).
interface Numbers {
  ints: number[];
  bigs: number[];
  flags: boolean[];
  names: string[];
  one: number;
  labels: Record<string, number>;
}
const Numbers = message<Numbers>('test.Numbers', {
  ints: repeated(1, 'int32'),
  bigs: repeated(2, 'int64'),
  flags: repeated(3, 'bool'),
  names: repeated(4, 'string'),
  one: field(5, 'int32'),
  labels: mapOf(6, 'enum'),
});

test('repeated scalars: packed on encode; packed, unpacked and mixed on decode', () => {
  assert.equal(hex(Numbers.encode({ ints: [1, 150, -1] })), '0a0d' + '01' + '9601' + 'ffffffffffffffffff01');
  assert.equal(hex(Numbers.encode({ names: ['a', ''] })), '220161' + '2200');
  assert.deepStrictEqual(Numbers.decode(unhex('0801' + '089601')).ints, [1, 150]);
  assert.deepStrictEqual(Numbers.decode(unhex('0801' + '0a020203' + '0804')).ints, [1, 2, 3, 4]);
  assert.deepStrictEqual(Numbers.decode(unhex('1a03010001' + '1801')).flags, [true, false, true, true]);
  assert.deepStrictEqual(Numbers.decode(unhex('12' + '0b' + varint(-5) + '01')).bigs, [-5, 1]);
  const all = { ints: [0, -(2 ** 31), 2 ** 31 - 1], bigs: [2 ** 40, -(2 ** 40)], flags: [false, true], names: ['x', 'y'], one: -7, labels: { a: 1, b: 0 } };
  assert.deepStrictEqual(Numbers.decode(Numbers.encode(all)), all);
  // A packed run cut short inside its length is an error.
  assertDecodeError(() => Numbers.decode(unhex('0a0296')), 'truncated');
});

test('int32 and enum: negatives are sign-extended to 10 bytes', () => {
  assert.equal(hex(Numbers.encode({ one: -1 })), '28ffffffffffffffffff01');
  assert.equal(Numbers.decode(unhex('28ffffffffffffffffff01')).one, -1);
  assert.equal(hex(tf.Diagnostic.encode({ severity: -2 as never })), '08feffffffffffffffff01');
  assert.throws(() => Numbers.encode({ one: 2 ** 31 }), ProtobufEncodeError);
});

test('unknown fields of every wire type (and known fields with a foreign wire type) are skipped', () => {
  const bytes = unhex(
    '0801' +
      '7805' + // field 15 varint
      '8101' + '0102030405060708' + // field 16 fixed64
      '8d01' + '01020304' + // field 17 fixed32
      '9201' + '02aabb' + // field 18 length-delimited
      '9b01' + '0801' + '0a0178' + '9c01' + // field 19 group with nested fields
      '1007' + // summary (field 2) sent as a varint
      '120178' +
      'f8ffffff0f01', // field 2^29-1 varint
  );
  assert.deepStrictEqual(tf.Diagnostic.decode(bytes), { severity: 1, summary: 'x', detail: '' });
});

test('a singular message field seen twice is merged (protobuf semantics)', () => {
  const d = tf.Diagnostic.decode(unhex('22050a030a0161' + '22050a030a0162'));
  assert.deepStrictEqual(d.attribute, { steps: [{ attributeName: 'a' }, { attributeName: 'b' }] });
});

test('truncated input: every prefix either ends on a field boundary or throws ProtobufDecodeError', () => {
  for (const { codec, value } of fullSamples) {
    const bytes = codec.encode(value as never);
    const boundaries = new Set([0, ...scanFields(bytes).ends]);
    for (let n = 0; n < bytes.length; n++) {
      const prefix = bytes.subarray(0, n);
      if (boundaries.has(n)) {
        codec.decode(prefix);
      } else {
        assert.throws(() => codec.decode(prefix), (e: unknown) => e instanceof ProtobufDecodeError && e.reason === 'truncated', `${codec.typeName} prefix ${n}`);
      }
    }
  }
});

test('malformed input raises typed errors', () => {
  assertDecodeError(() => tf.Diagnostic.decode(unhex('08')), 'truncated');
  assertDecodeError(() => tf.Diagnostic.decode(unhex('120561')), 'truncated');
  assertDecodeError(() => tf.Diagnostic.decode(unhex('8101000000')), 'truncated');
  const inner = assertDecodeError(() => tf.Diagnostic.decode(unhex('2203' + '0a0561' + '626364')), 'truncated');
  assert.equal(inner.typeName, 'tfplugin6.AttributePath');
  assert.match(inner.message, /enclosing message/);
  assertDecodeError(() => tf.Diagnostic.decode(unhex('0f')), 'malformed'); // wire type 7
  assertDecodeError(() => tf.Diagnostic.decode(unhex('0e')), 'malformed'); // wire type 6
  assertDecodeError(() => tf.Diagnostic.decode(unhex('0c')), 'malformed'); // stray end-group
  assertDecodeError(() => tf.Diagnostic.decode(unhex('0001')), 'malformed'); // field number 0
  assertDecodeError(() => tf.Diagnostic.decode(unhex('9b01' + 'a401')), 'malformed'); // mismatched group end
  assertDecodeError(() => tf.Diagnostic.decode(unhex('08ffffffffffffffffff02')), 'malformed'); // > 64 bits
  assertDecodeError(() => tf.Diagnostic.decode(unhex('08ffffffffffffffffffff01')), 'malformed'); // 11 bytes
  assertDecodeError(() => tf.Diagnostic.decode(unhex('8080808080808080808001')), 'malformed'); // 11-byte tag
  assertDecodeError(() => tf.Diagnostic.decode(unhex('8080808010')), 'malformed'); // field number >= 2^29
  assertDecodeError(() => tf.Diagnostic.decode(unhex('1a' + 'ffffffff0f')), 'truncated'); // absurd length
});

interface Node {
  child?: Node;
  label: string;
}
const Node: MessageCodec<Node> = message<Node>('test.Node', { child: field(1, () => Node), label: field(2, 'string') });

test('nesting depth is limited on decode and on encode (cycles)', () => {
  const nest = (depth: number): Uint8Array => {
    let b = new Uint8Array(0);
    for (let i = 0; i < depth; i++) b = new Uint8Array([0x0a, ...unhex(varint(b.length)), ...b]);
    return b;
  };
  let n: Node | undefined = Node.decode(nest(100));
  let depth = 0;
  while (n?.child) {
    n = n.child;
    depth++;
  }
  assert.equal(depth, 100);
  assertDecodeError(() => Node.decode(nest(500)), 'depth');
  const cyclic: Node = { label: 'x' };
  cyclic.child = cyclic;
  assert.throws(() => Node.encode(cyclic), ProtobufEncodeError);
});

test('encode rejects values that do not match the schema', () => {
  const err = (fn: () => unknown, fieldPath: string): void => {
    assert.throws(fn, (e: unknown) => e instanceof ProtobufEncodeError && e.field === fieldPath);
  };
  err(() => tf.Diagnostic.encode({ summary: 5 } as never), 'tfplugin6.Diagnostic.summary');
  err(() => tf.DynamicValue.encode({ msgpack: 'c0' } as never), 'tfplugin6.DynamicValue.msgpack');
  err(() => tf.ServerCapabilities.encode({ planDestroy: 1 } as never), 'tfplugin6.ServerCapabilities.planDestroy');
  err(() => tf.ValidateResourceConfigResponse.encode({ diagnostics: {} } as never), 'tfplugin6.ValidateResourceConfig.Response.diagnostics');
  err(() => tf.ValidateResourceConfigResponse.encode({ diagnostics: [null] } as never), 'tfplugin6.ValidateResourceConfig.Response.diagnostics');
  err(() => tf.RawState.encode({ flatmap: { a: null } } as never), 'tfplugin6.RawState.flatmap');
  err(() => tf.Diagnostic.encode({ attribute: 'x' } as never), 'tfplugin6.Diagnostic.attribute');
  err(() => tf.GetProviderSchemaResponse.encode({ resourceSchemas: { a: 1 } } as never), 'tfplugin6.GetProviderSchema.Response.resourceSchemas');
  err(() => tf.Diagnostic.encode([] as never), 'tfplugin6.Diagnostic');
  // null and undefined mean "not set".
  assert.equal(tf.Diagnostic.encode({ summary: undefined, attribute: null } as never).length, 0);
});

test('bytes fields are copies and inputs may be any Uint8Array view', () => {
  const encoded = tf.DynamicValue.encode({ msgpack: unhex('81a161a162') });
  assert.ok(encoded instanceof Uint8Array);
  const backing = new Uint8Array(encoded.length + 7);
  backing.set(encoded, 3);
  const view = new Uint8Array(backing.buffer, 3, encoded.length);
  const decoded = tf.DynamicValue.decode(view);
  assert.equal(Object.getPrototypeOf(decoded.msgpack), Uint8Array.prototype);
  backing.fill(0);
  assert.equal(hex(decoded.msgpack!), '81a161a162');
});

test('method table covers the RPCs Terraform 1.11 uses, with matching codecs', () => {
  assert.equal(PROVIDER_SERVICE, 'tfplugin6.Provider');
  const names = Object.keys(providerMethods).sort();
  assert.deepEqual(names, [
    'ApplyResourceChange',
    'CallFunction',
    'ConfigureProvider',
    'GetFunctions',
    'GetMetadata',
    'GetProviderSchema',
    'ImportResourceState',
    'MoveResourceState',
    'PlanResourceChange',
    'ReadDataSource',
    'ReadResource',
    'StopProvider',
    'UpgradeResourceState',
    'ValidateDataResourceConfig',
    'ValidateProviderConfig',
    'ValidateResourceConfig',
  ]);
  for (const name of names) {
    assert.ok(isRpcName(name));
    const m = providerMethods[name as keyof typeof providerMethods];
    assert.equal(m.request.typeName, `tfplugin6.${name}.Request`);
    assert.equal(m.response.typeName, `tfplugin6.${name}.Response`);
  }
  assert.equal(isRpcName('toString'), false);
  assert.equal(isRpcName('__proto__'), false);
  assert.equal(isRpcName('OpenEphemeralResource'), false);
  // Typed dispatch: the request type follows the method name.
  const req = providerMethods.PlanResourceChange.request.decode(providerMethods.PlanResourceChange.request.encode({ typeName: 'vmoodle_site' }));
  assert.equal(req.typeName, 'vmoodle_site');
});
