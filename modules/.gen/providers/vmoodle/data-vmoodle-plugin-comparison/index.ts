// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataVmoodlePluginComparisonConfig extends cdktf.TerraformMetaArguments {
  /**
  * A frankenstyle plugin name, e.g. `mod_chat`. Set this or `plugin_type`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison#plugin DataVmoodlePluginComparison#plugin}
  */
  readonly plugin?: string;
  /**
  * A plugin type, e.g. `auth`: every plugin of that type installed on any of the tenants.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison#plugin_type DataVmoodlePluginComparison#plugin_type}
  */
  readonly pluginType?: string;
  /**
  * Tenant ids (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`) this applies to. Each is handled on its own: a failing tenant is reported by name and does not stop the others.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison#tenants DataVmoodlePluginComparison#tenants}
  */
  readonly tenants: string[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison vmoodle_plugin_comparison}
*/
export class DataVmoodlePluginComparison extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_plugin_comparison";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataVmoodlePluginComparison resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataVmoodlePluginComparison to import
  * @param importFromId The id of the existing DataVmoodlePluginComparison that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataVmoodlePluginComparison to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_plugin_comparison", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/plugin_comparison vmoodle_plugin_comparison} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataVmoodlePluginComparisonConfig
  */
  public constructor(scope: Construct, id: string, config: DataVmoodlePluginComparisonConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_plugin_comparison',
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
    this._plugin = config.plugin;
    this._pluginType = config.pluginType;
    this._tenants = config.tenants;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // differing - computed: true, optional: false, required: false
  public get differing() {
    return this.getListAttribute('differing');
  }

  // errors - computed: true, optional: false, required: false
  private _errors = new cdktf.StringMap(this, "errors");
  public get errors() {
    return this._errors;
  }

  // plugin - computed: false, optional: true, required: false
  private _plugin?: string; 
  public get plugin() {
    return this.getStringAttribute('plugin');
  }
  public set plugin(value: string) {
    this._plugin = value;
  }
  public resetPlugin() {
    this._plugin = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pluginInput() {
    return this._plugin;
  }

  // plugin_type - computed: false, optional: true, required: false
  private _pluginType?: string; 
  public get pluginType() {
    return this.getStringAttribute('plugin_type');
  }
  public set pluginType(value: string) {
    this._pluginType = value;
  }
  public resetPluginType() {
    this._pluginType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pluginTypeInput() {
    return this._pluginType;
  }

  // plugins - computed: true, optional: false, required: false
  private _plugins = new cdktf.AnyMap(this, "plugins");
  public get plugins() {
    return this._plugins;
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
      plugin: cdktf.stringToTerraform(this._plugin),
      plugin_type: cdktf.stringToTerraform(this._pluginType),
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      plugin: {
        value: cdktf.stringToHclTerraform(this._plugin),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      plugin_type: {
        value: cdktf.stringToHclTerraform(this._pluginType),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
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
