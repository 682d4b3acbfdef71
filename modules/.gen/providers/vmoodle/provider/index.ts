// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface VmoodleProviderConfig {
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
    this._datarootBase = config.datarootBase;
    this._registry = config.registry;
    this._servers = config.servers;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

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
      dataroot_base: cdktf.stringToTerraform(this._datarootBase),
      registry: cdktf.stringToTerraform(this._registry),
      servers: cdktf.hashMapper(cdktf.stringToTerraform)(this._servers),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
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
