// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface CachePurgeConfig extends cdktf.TerraformMetaArguments {
  /**
  * Tenant ids (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`) this applies to. Each is handled on its own: a failing tenant is reported by name and does not stop the others.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge#tenants CachePurge#tenants}
  */
  readonly tenants: string[];
  /**
  * Arbitrary values; any change purges all tenants again, e.g. `{ release = var.moodle_release }`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge#triggers CachePurge#triggers}
  */
  readonly triggers?: { [key: string]: string };
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge vmoodle_cache_purge}
*/
export class CachePurge extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_cache_purge";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a CachePurge resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the CachePurge to import
  * @param importFromId The id of the existing CachePurge that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the CachePurge to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_cache_purge", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/cache_purge vmoodle_cache_purge} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options CachePurgeConfig
  */
  public constructor(scope: Construct, id: string, config: CachePurgeConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_cache_purge',
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

  // purged - computed: true, optional: false, required: false
  private _purged = new cdktf.StringMap(this, "purged");
  public get purged() {
    return this._purged;
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
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
      triggers: cdktf.hashMapper(cdktf.stringToTerraform)(this._triggers),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
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
