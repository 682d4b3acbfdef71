// What a resource, a data source and the provider itself implement. One file per resource under
// provider/resources/ holds its schema and its create/read/update/delete/import side by side.
import type { BlockSchema } from './schema';
import type { Diagnostics } from './diagnostics';
import type { ObjectValue } from './plan';

export interface CallContext<P> {
  provider: P;
  diags: Diagnostics;
  signal: AbortSignal;
}

export interface PlanArgs {
  /** null on create. */
  prior: ObjectValue | null;
  /** Terraform's proposal with the generic rules applied (defaults, unknown computed values). */
  planned: ObjectValue;
  config: ObjectValue;
}

export interface Resource<P> {
  readonly typeName: string;
  readonly schema: BlockSchema;
  /** Offline checks (no provider configuration yet); config may contain unknowns. */
  validate?(config: ObjectValue, diags: Diagnostics): void;
  /** Resource-specific planning on top of the generic rules; mutates args.planned. */
  modifyPlan?(args: PlanArgs, ctx: CallContext<P>): Promise<void>;
  /** Called when Terraform plans to destroy the object: the place to refuse early. */
  planDestroy?(prior: ObjectValue, ctx: CallContext<P>): Promise<void>;
  create(args: { planned: ObjectValue; config: ObjectValue }, ctx: CallContext<P>): Promise<ObjectValue | null>;
  /** Returns null when the object is gone, so Terraform plans to create it again. */
  read(state: ObjectValue, ctx: CallContext<P>): Promise<ObjectValue | null>;
  update(args: { prior: ObjectValue; planned: ObjectValue; config: ObjectValue }, ctx: CallContext<P>): Promise<ObjectValue>;
  delete(prior: ObjectValue, ctx: CallContext<P>): Promise<void>;
  importState?(id: string, ctx: CallContext<P>): Promise<ObjectValue | null>;
}

export interface DataSource<P> {
  readonly typeName: string;
  readonly schema: BlockSchema;
  validate?(config: ObjectValue, diags: Diagnostics): void;
  read(config: ObjectValue, ctx: CallContext<P>): Promise<ObjectValue>;
}

export interface ProviderDefinition<P> {
  readonly schema: BlockSchema;
  validate?(config: ObjectValue, diags: Diagnostics): void;
  configure(config: ObjectValue, ctx: { diags: Diagnostics; terraformVersion: string }): Promise<P | undefined>;
  shutdown?(provider: P): Promise<void>;
  readonly resources: ReadonlyArray<Resource<P>>;
  readonly dataSources: ReadonlyArray<DataSource<P>>;
}
