// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SqlBroadcastConfig extends cdktf.TerraformMetaArguments {
  /**
  * What to invalidate on each tenant after its statements committed: `config` drops Moodle's cache of `config`/`config_plugins` (so changed settings take effect), `all` does the equivalent of purge_all_caches(), `none` nothing.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#purge_caches SqlBroadcast#purge_caches}
  */
  readonly purgeCaches?: string;
  /**
  * `tenant`: connect as the tenant's own database user (it can reach its own database only). `admin`: connect as the server's admin user, with the tenant's database selected.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#run_as SqlBroadcast#run_as}
  */
  readonly runAs?: string;
  /**
  * SQL statements, one per element, run in order. `{prefix}` is replaced by the tenant's table prefix (`UPDATE {prefix}config SET …`). Statements that MySQL commits implicitly (CREATE, ALTER, DROP, TRUNCATE, …) cannot be rolled back.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#statements SqlBroadcast#statements}
  */
  readonly statements: string[];
  /**
  * Ids of the tenants (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#tenants SqlBroadcast#tenants}
  */
  readonly tenants: string[];
  /**
  * Arbitrary values; changing any of them runs the statements again on every tenant.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#triggers SqlBroadcast#triggers}
  */
  readonly triggers?: { [key: string]: string };
}
export interface SqlBroadcastResults {
}

export function sqlBroadcastResultsToTerraform(struct?: SqlBroadcastResults): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function sqlBroadcastResultsToHclTerraform(struct?: SqlBroadcastResults): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class SqlBroadcastResultsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectKey the key of this item in the map
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectKey: string) {
    super(terraformResource, terraformAttribute, false, complexObjectKey);
  }

  public get internalValue(): SqlBroadcastResults | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SqlBroadcastResults | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // error - computed: true, optional: false, required: false
  public get error() {
    return this.getStringAttribute('error');
  }

  // rows_affected - computed: true, optional: false, required: false
  public get rowsAffected() {
    return this.getNumberAttribute('rows_affected');
  }

  // statement - computed: true, optional: false, required: false
  public get statement() {
    return this.getNumberAttribute('statement');
  }

  // status - computed: true, optional: false, required: false
  public get status() {
    return this.getStringAttribute('status');
  }
}

export class SqlBroadcastResultsMap extends cdktf.ComplexMap {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string) {
    super(terraformResource, terraformAttribute)
  }

  /**
  * @param key the key of the item to return
  */
  public get(key: string): SqlBroadcastResultsOutputReference {
    return new SqlBroadcastResultsOutputReference(this.terraformResource, this.terraformAttribute, key);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast vmoodle_sql_broadcast}
*/
export class SqlBroadcast extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_sql_broadcast";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SqlBroadcast resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SqlBroadcast to import
  * @param importFromId The id of the existing SqlBroadcast that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SqlBroadcast to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_sql_broadcast", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/sql_broadcast vmoodle_sql_broadcast} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SqlBroadcastConfig
  */
  public constructor(scope: Construct, id: string, config: SqlBroadcastConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_sql_broadcast',
      terraformGeneratorMetadata: {
        providerName: 'vmoodle',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._purgeCaches = config.purgeCaches;
    this._runAs = config.runAs;
    this._statements = config.statements;
    this._tenants = config.tenants;
    this._triggers = config.triggers;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // purge_caches - computed: true, optional: true, required: false
  private _purgeCaches?: string; 
  public get purgeCaches() {
    return this.getStringAttribute('purge_caches');
  }
  public set purgeCaches(value: string) {
    this._purgeCaches = value;
  }
  public resetPurgeCaches() {
    this._purgeCaches = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get purgeCachesInput() {
    return this._purgeCaches;
  }

  // results - computed: true, optional: false, required: false
  private _results = new SqlBroadcastResultsMap(this, "results");
  public get results() {
    return this._results;
  }

  // run_as - computed: true, optional: true, required: false
  private _runAs?: string; 
  public get runAs() {
    return this.getStringAttribute('run_as');
  }
  public set runAs(value: string) {
    this._runAs = value;
  }
  public resetRunAs() {
    this._runAs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get runAsInput() {
    return this._runAs;
  }

  // statements - computed: false, optional: false, required: true
  private _statements?: string[]; 
  public get statements() {
    return this.getListAttribute('statements');
  }
  public set statements(value: string[]) {
    this._statements = value;
  }
  // Temporarily expose input value. Use with caution.
  public get statementsInput() {
    return this._statements;
  }

  // tenants - computed: false, optional: false, required: true
  private _tenants?: string[]; 
  public get tenants() {
    return this.getListAttribute('tenants');
  }
  public set tenants(value: string[]) {
    this._tenants = value;
  }
  // Temporarily expose input value. Use with caution.
  public get tenantsInput() {
    return this._tenants;
  }

  // triggers - computed: false, optional: true, required: false
  private _triggers?: { [key: string]: string }; 
  public get triggers() {
    return this.getStringMapAttribute('triggers');
  }
  public set triggers(value: { [key: string]: string }) {
    this._triggers = value;
  }
  public resetTriggers() {
    this._triggers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get triggersInput() {
    return this._triggers;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      purge_caches: cdktf.stringToTerraform(this._purgeCaches),
      run_as: cdktf.stringToTerraform(this._runAs),
      statements: cdktf.listMapper(cdktf.stringToTerraform, false)(this._statements),
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
      triggers: cdktf.hashMapper(cdktf.stringToTerraform)(this._triggers),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      purge_caches: {
        value: cdktf.stringToHclTerraform(this._purgeCaches),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      run_as: {
        value: cdktf.stringToHclTerraform(this._runAs),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      statements: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._statements),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      tenants: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._tenants),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      triggers: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._triggers),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
