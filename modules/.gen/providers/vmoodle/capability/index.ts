// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface CapabilityConfig extends cdktf.TerraformMetaArguments {
  /**
  * Capability name, e.g. `moodle/course:view`. It must exist on every tenant.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability#capability Capability#capability}
  */
  readonly capability: string;
  /**
  * Role shortname → `allow`, `prevent`, `prohibit` or `inherit` (stored as 1, -1, -1000, no row). Every role must exist on every tenant.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability#permissions Capability#permissions}
  */
  readonly permissions: { [key: string]: string };
  /**
  * Ids of the tenants (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability#tenants Capability#tenants}
  */
  readonly tenants: string[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability vmoodle_capability}
*/
export class Capability extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_capability";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Capability resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Capability to import
  * @param importFromId The id of the existing Capability that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Capability to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_capability", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/capability vmoodle_capability} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options CapabilityConfig
  */
  public constructor(scope: Construct, id: string, config: CapabilityConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_capability',
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
    this._capability = config.capability;
    this._permissions = config.permissions;
    this._tenants = config.tenants;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // capability - computed: false, optional: false, required: true
  private _capability?: string; 
  public get capability() {
    return this.getStringAttribute('capability');
  }
  public set capability(value: string) {
    this._capability = value;
  }
  // Temporarily expose input value. Use with caution.
  public get capabilityInput() {
    return this._capability;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // permissions - computed: false, optional: false, required: true
  private _permissions?: { [key: string]: string }; 
  public get permissions() {
    return this.getStringMapAttribute('permissions');
  }
  public set permissions(value: { [key: string]: string }) {
    this._permissions = value;
  }
  // Temporarily expose input value. Use with caution.
  public get permissionsInput() {
    return this._permissions;
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

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      capability: cdktf.stringToTerraform(this._capability),
      permissions: cdktf.hashMapper(cdktf.stringToTerraform)(this._permissions),
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      capability: {
        value: cdktf.stringToHclTerraform(this._capability),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      permissions: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._permissions),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      tenants: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._tenants),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
