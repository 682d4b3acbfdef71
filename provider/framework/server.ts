// Turns a ProviderDefinition into tfplugin6 RPC handlers: decoding and encoding values with each
// schema's cty type, the generic planning rules, and exceptions turned into diagnostics.
import { type CtyValue, type CtyType, decodeMsgpack, encodeMsgpack, decodeJson } from '../plugin/cty';
import type { DynamicValue, Diagnostic } from '../plugin/proto/tfplugin6';
import type { ProviderHandlers } from '../plugin/serve';
import { log } from '../plugin/log';
import { Diagnostics } from './diagnostics';
import { toProtoSchema, schemaType, type BlockSchema } from './schema';
import { planAttributes, replacementPaths, validateAttributes, copyObject, isObject, type ObjectValue } from './plan';
import type { ProviderDefinition, Resource, DataSource, CallContext } from './resource';
import { toAttributePath } from './diagnostics';

function decode(dv: DynamicValue | undefined, type: CtyType): CtyValue {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack, type);
  if (dv.json && dv.json.length > 0) return decodeJson(dv.json, type);
  return null;
}

function decodeObject(dv: DynamicValue | undefined, type: CtyType): ObjectValue | null {
  const v = decode(dv, type);
  if (v === null) return null;
  if (!isObject(v)) throw new Error('expected an object value');
  return v;
}

function encode(v: CtyValue, type: CtyType): DynamicValue {
  return { msgpack: encodeMsgpack(v, type) };
}

class NotConfiguredError extends Error {
  override name = 'NotConfiguredError';
  constructor() {
    super('The provider was not configured before this call; this is a bug in vmoodle or an unsupported Terraform version.');
  }
}

export function createHandlers<P>(def: ProviderDefinition<P>): { handlers: ProviderHandlers; shutdown: () => Promise<void> } {
  const resources = new Map<string, Resource<P>>(def.resources.map((r) => [r.typeName, r]));
  const dataSources = new Map<string, DataSource<P>>(def.dataSources.map((d) => [d.typeName, d]));
  let configured: P | undefined;

  const resource = (name: string): Resource<P> => {
    const r = resources.get(name);
    if (!r) throw new Error(`unknown resource type ${name}`);
    return r;
  };
  const dataSource = (name: string): DataSource<P> => {
    const d = dataSources.get(name);
    if (!d) throw new Error(`unknown data source ${name}`);
    return d;
  };
  const context = (diags: Diagnostics, signal: AbortSignal): CallContext<P> => {
    if (configured === undefined) throw new NotConfiguredError();
    return { provider: configured, diags, signal };
  };
  const guard = async (diags: Diagnostics, summary: string, fn: () => Promise<void>): Promise<Diagnostic[]> => {
    try {
      await fn();
    } catch (err) {
      log.debug(summary, { error: err instanceof Error ? err.message : String(err) });
      diags.fromException(summary, err);
    }
    return diags.items;
  };

  const schemaMap = (items: Iterable<{ typeName: string; schema: BlockSchema }>): Record<string, ReturnType<typeof toProtoSchema>> => {
    const out: Record<string, ReturnType<typeof toProtoSchema>> = {};
    for (const item of items) out[item.typeName] = toProtoSchema(item.schema);
    return out;
  };

  const handlers: ProviderHandlers = {
    async GetMetadata() {
      return {
        serverCapabilities: { planDestroy: true, getProviderSchemaOptional: true, moveResourceState: false },
        diagnostics: [],
        resources: [...resources.keys()].map((typeName) => ({ typeName })),
        dataSources: [...dataSources.keys()].map((typeName) => ({ typeName })),
        functions: [],
        ephemeralResources: [],
      };
    },

    async GetProviderSchema() {
      return {
        provider: toProtoSchema(def.schema),
        resourceSchemas: schemaMap(resources.values()),
        dataSourceSchemas: schemaMap(dataSources.values()),
        diagnostics: [],
        serverCapabilities: { planDestroy: true, getProviderSchemaOptional: true, moveResourceState: false },
        functions: {},
        ephemeralResourceSchemas: {},
      };
    },

    async ValidateProviderConfig(req) {
      const diags = new Diagnostics();
      return {
        diagnostics: await guard(diags, 'Invalid provider configuration', async () => {
          const config = decodeObject(req.config, schemaType(def.schema)) ?? {};
          validateAttributes(def.schema.attributes, config, diags);
          def.validate?.(config, diags);
        }),
      };
    },

    async ConfigureProvider(req) {
      const diags = new Diagnostics();
      return {
        diagnostics: await guard(diags, 'Could not configure the vmoodle provider', async () => {
          const config = decodeObject(req.config, schemaType(def.schema)) ?? {};
          const p = await def.configure(config, { diags, terraformVersion: req.terraformVersion });
          if (!diags.hasErrors) configured = p;
        }),
      };
    },

    async ValidateResourceConfig(req) {
      const diags = new Diagnostics();
      return {
        diagnostics: await guard(diags, 'Invalid configuration', async () => {
          const r = resource(req.typeName);
          const config = decodeObject(req.config, schemaType(r.schema)) ?? {};
          validateAttributes(r.schema.attributes, config, diags);
          r.validate?.(config, diags);
        }),
      };
    },

    async ValidateDataResourceConfig(req) {
      const diags = new Diagnostics();
      return {
        diagnostics: await guard(diags, 'Invalid configuration', async () => {
          const d = dataSource(req.typeName);
          const config = decodeObject(req.config, schemaType(d.schema)) ?? {};
          validateAttributes(d.schema.attributes, config, diags);
          d.validate?.(config, diags);
        }),
      };
    },

    async UpgradeResourceState(req) {
      const diags = new Diagnostics();
      let upgraded: DynamicValue | undefined;
      const diagnostics = await guard(diags, 'Could not read the stored state', async () => {
        const r = resource(req.typeName);
        if (req.version > r.schema.version) {
          diags.error('State written by a newer provider', `The state of this ${req.typeName} has schema version ${req.version}; this provider knows version ${r.schema.version}. Upgrade the vmoodle provider.`);
          return;
        }
        const type = schemaType(r.schema);
        const raw = req.rawState?.json;
        const value = raw && raw.length > 0 ? decodeJson(raw, type) : null;
        upgraded = encode(value, type);
      });
      return { upgradedState: upgraded, diagnostics };
    },

    async ReadResource(req, signal) {
      const diags = new Diagnostics();
      const r = resource(req.typeName);
      const type = schemaType(r.schema);
      let newState: CtyValue = null;
      const diagnostics = await guard(diags, `Could not read ${req.typeName}`, async () => {
        const current = decodeObject(req.currentState, type);
        newState = current;
        if (current) newState = await r.read(current, context(diags, signal));
      });
      return { newState: encode(newState, type), diagnostics, private: req.private };
    },

    async PlanResourceChange(req, signal) {
      const diags = new Diagnostics();
      const r = resource(req.typeName);
      const type = schemaType(r.schema);
      let planned: ObjectValue | null = null;
      let requiresReplace: ReturnType<typeof toAttributePath>[] = [];
      const diagnostics = await guard(diags, `Could not plan ${req.typeName}`, async () => {
        const prior = decodeObject(req.priorState, type);
        const proposed = decodeObject(req.proposedNewState, type);
        if (proposed === null) {
          if (prior && r.planDestroy) await r.planDestroy(prior, context(diags, signal));
          return;
        }
        const config = decodeObject(req.config, type) ?? {};
        const next = copyObject(proposed);
        planAttributes(r.schema.attributes, next, config, prior);
        if (configured !== undefined) await r.modifyPlan?.({ prior, planned: next, config }, context(diags, signal));
        if (prior) requiresReplace = replacementPaths(r.schema.attributes, prior, next).map(toAttributePath);
        planned = next;
      });
      if (diags.hasErrors && planned === null) {
        const proposed = req.proposedNewState;
        return { plannedState: proposed ?? encode(null, type), requiresReplace: [], plannedPrivate: req.priorPrivate, diagnostics, legacyTypeSystem: false };
      }
      return { plannedState: encode(planned, type), requiresReplace, plannedPrivate: req.priorPrivate, diagnostics, legacyTypeSystem: false };
    },

    async ApplyResourceChange(req, signal) {
      const diags = new Diagnostics();
      const r = resource(req.typeName);
      const type = schemaType(r.schema);
      let newState: CtyValue = null;
      const diagnostics = await guard(diags, `Could not apply ${req.typeName}`, async () => {
        const prior = decodeObject(req.priorState, type);
        const planned = decodeObject(req.plannedState, type);
        const config = decodeObject(req.config, type) ?? {};
        const ctx = context(diags, signal);
        newState = prior;
        if (planned === null) {
          if (prior) await r.delete(prior, ctx);
          newState = null;
        } else if (prior === null) {
          newState = await r.create({ planned, config }, ctx);
        } else {
          newState = await r.update({ prior, planned, config }, ctx);
        }
      });
      return { newState: encode(newState, type), private: req.plannedPrivate, diagnostics, legacyTypeSystem: false };
    },

    async ImportResourceState(req, signal) {
      const diags = new Diagnostics();
      const r = resource(req.typeName);
      const type = schemaType(r.schema);
      const imported: { typeName: string; state: DynamicValue; private: Uint8Array }[] = [];
      const diagnostics = await guard(diags, `Could not import ${req.typeName}`, async () => {
        if (!r.importState) {
          diags.error('Import not supported', `${req.typeName} cannot be imported.`);
          return;
        }
        const state = await r.importState(req.id, context(diags, signal));
        if (state) imported.push({ typeName: req.typeName, state: encode(state, type), private: new Uint8Array() });
        else if (!diags.hasErrors) diags.error('Cannot import non-existent remote object', `No ${req.typeName} matches the import id "${req.id}".`);
      });
      return { importedResources: imported, diagnostics };
    },

    async ReadDataSource(req, signal) {
      const diags = new Diagnostics();
      const d = dataSource(req.typeName);
      const type = schemaType(d.schema);
      let state: CtyValue = null;
      const diagnostics = await guard(diags, `Could not read data source ${req.typeName}`, async () => {
        const config = decodeObject(req.config, type) ?? {};
        state = await d.read(config, context(diags, signal));
      });
      return { state: encode(state, type), diagnostics };
    },

    async StopProvider() {
      return { error: '' };
    },
  };

  return {
    handlers,
    shutdown: async () => {
      if (configured !== undefined) await def.shutdown?.(configured);
    },
  };
}
