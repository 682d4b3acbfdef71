// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface VmoodleProviderConfig {
  /**
  * Longest connecting and logging in to a database server or the registry may take, in whole seconds (1 to 86400). Default: `VMOODLE_CONNECT_TIMEOUT_SECONDS`, else 10.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#connect_timeout_seconds VmoodleProvider#connect_timeout_seconds}
  */
  readonly connectTimeoutSeconds?: number;
  /**
  * Folder under which tenant data folders are created when a tenant sets no `dataroot`. Default: `VMOODLE_DATAROOT_BASE`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#dataroot_base VmoodleProvider#dataroot_base}
  */
  readonly datarootBase?: string;
  /**
  * DSN of the registry database, e.g. `mysql://vmoodle:secret@db1:3306/vmoodle_registry`. Default: environment variable `VMOODLE_REGISTRY`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#registry VmoodleProvider#registry}
  */
  readonly registry?: string;
  /**
  * Named database servers (name → admin DSN) tenants are spread over; `default` is required. Each may also come from `VMOODLE_SERVER_<NAME>`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#servers VmoodleProvider#servers}
  */
  readonly servers?: { [key: string]: string };
  /**
  * Longest any database statement of the provider may take, in whole seconds (1 to 86400), on every server and on the registry. A statement waiting for a lock (e.g. `DROP DATABASE` while a Moodle web node holds an open transaction on the site's tables) gives up after this long (`lock_wait_timeout`, `innodb_lock_wait_timeout`, named locks); the server stops any other statement a second later (MariaDB `max_statement_time`); and the provider drops the connection to a server that has not answered after this long plus 5 s. The apply then fails with an error that names the server, the tenant and what to do; whatever was half made is finished or cleaned up by the next apply. Default: `VMOODLE_STATEMENT_TIMEOUT_SECONDS`, else 300.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#statement_timeout_seconds VmoodleProvider#statement_timeout_seconds}
  */
  readonly statementTimeoutSeconds?: number;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#alias VmoodleProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs vmoodle}
*/
export class VmoodleProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a VmoodleProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the VmoodleProvider to import
  * @param importFromId The id of the existing VmoodleProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the VmoodleProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs vmoodle} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options VmoodleProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: VmoodleProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'vmoodle',
      terraformGeneratorMetadata: {
        providerName: 'vmoodle',
        providerVersionConstraint: '~> 0.1'
      },
      terraformProviderSource: 'vmoodle/vmoodle'
    });
    this._connectTimeoutSeconds = config.connectTimeoutSeconds;
    this._datarootBase = config.datarootBase;
    this._registry = config.registry;
    this._servers = config.servers;
    this._statementTimeoutSeconds = config.statementTimeoutSeconds;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // connect_timeout_seconds - computed: false, optional: true, required: false
  private _connectTimeoutSeconds?: number; 
  public get connectTimeoutSeconds() {
    return this._connectTimeoutSeconds;
  }
  public set connectTimeoutSeconds(value: number | undefined) {
    this._connectTimeoutSeconds = value;
  }
  public resetConnectTimeoutSeconds() {
    this._connectTimeoutSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get connectTimeoutSecondsInput() {
    return this._connectTimeoutSeconds;
  }

  // dataroot_base - computed: false, optional: true, required: false
  private _datarootBase?: string; 
  public get datarootBase() {
    return this._datarootBase;
  }
  public set datarootBase(value: string | undefined) {
    this._datarootBase = value;
  }
  public resetDatarootBase() {
    this._datarootBase = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get datarootBaseInput() {
    return this._datarootBase;
  }

  // registry - computed: false, optional: true, required: false
  private _registry?: string; 
  public get registry() {
    return this._registry;
  }
  public set registry(value: string | undefined) {
    this._registry = value;
  }
  public resetRegistry() {
    this._registry = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get registryInput() {
    return this._registry;
  }

  // servers - computed: false, optional: true, required: false
  private _servers?: { [key: string]: string }; 
  public get servers() {
    return this._servers;
  }
  public set servers(value: { [key: string]: string } | undefined) {
    this._servers = value;
  }
  public resetServers() {
    this._servers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serversInput() {
    return this._servers;
  }

  // statement_timeout_seconds - computed: false, optional: true, required: false
  private _statementTimeoutSeconds?: number; 
  public get statementTimeoutSeconds() {
    return this._statementTimeoutSeconds;
  }
  public set statementTimeoutSeconds(value: number | undefined) {
    this._statementTimeoutSeconds = value;
  }
  public resetStatementTimeoutSeconds() {
    this._statementTimeoutSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get statementTimeoutSecondsInput() {
    return this._statementTimeoutSeconds;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      connect_timeout_seconds: cdktf.numberToTerraform(this._connectTimeoutSeconds),
      dataroot_base: cdktf.stringToTerraform(this._datarootBase),
      registry: cdktf.stringToTerraform(this._registry),
      servers: cdktf.hashMapper(cdktf.stringToTerraform)(this._servers),
      statement_timeout_seconds: cdktf.numberToTerraform(this._statementTimeoutSeconds),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      connect_timeout_seconds: {
        value: cdktf.numberToHclTerraform(this._connectTimeoutSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      dataroot_base: {
        value: cdktf.stringToHclTerraform(this._datarootBase),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      registry: {
        value: cdktf.stringToHclTerraform(this._registry),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      servers: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._servers),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      statement_timeout_seconds: {
        value: cdktf.numberToHclTerraform(this._statementTimeoutSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
