// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ConfigConfig extends cdktf.TerraformMetaArguments {
  /**
  * Plugin settings (table `config_plugins`): plugin (`auth_cas`, `mod_forum`, `moodlecourse`, `question`, ...) → name → value.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config#plugin_settings Config#plugin_settings}
  */
  readonly pluginSettings?: { [key: string]: { [key: string]: string } } | cdktf.IResolvable;
  /**
  * Core settings ($CFG names, table `config`), e.g. `{ forcelogin = "1", theme = "boost" }`. Values are strings.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config#settings Config#settings}
  */
  readonly settings?: { [key: string]: string };
  /**
  * Tenant ids (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`) this applies to. Each is handled on its own: a failing tenant is reported by name and does not stop the others.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config#tenants Config#tenants}
  */
  readonly tenants: string[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config vmoodle_config}
*/
export class Config extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_config";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Config resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Config to import
  * @param importFromId The id of the existing Config that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Config to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_config", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/config vmoodle_config} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ConfigConfig
  */
  public constructor(scope: Construct, id: string, config: ConfigConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_config',
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
    this._pluginSettings = config.pluginSettings;
    this._settings = config.settings;
    this._tenants = config.tenants;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // applied - computed: true, optional: false, required: false
  private _applied = new cdktf.AnyMap(this, "applied");
  public get applied() {
    return this._applied;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // originals - computed: true, optional: false, required: false
  private _originals = new cdktf.AnyMap(this, "originals");
  public get originals() {
    return this._originals;
  }

  // plugin_settings - computed: true, optional: true, required: false
  private _pluginSettings?: { [key: string]: { [key: string]: string } } | cdktf.IResolvable; 
  public get pluginSettings() {
    return this.interpolationForAttribute('plugin_settings');
  }
  public set pluginSettings(value: { [key: string]: { [key: string]: string } } | cdktf.IResolvable) {
    this._pluginSettings = value;
  }
  public resetPluginSettings() {
    this._pluginSettings = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pluginSettingsInput() {
    return this._pluginSettings;
  }

  // settings - computed: true, optional: true, required: false
  private _settings?: { [key: string]: string }; 
  public get settings() {
    return this.getStringMapAttribute('settings');
  }
  public set settings(value: { [key: string]: string }) {
    this._settings = value;
  }
  public resetSettings() {
    this._settings = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get settingsInput() {
    return this._settings;
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
      plugin_settings: cdktf.hashMapper(cdktf.hashMapper(cdktf.stringToTerraform))(this._pluginSettings),
      settings: cdktf.hashMapper(cdktf.stringToTerraform)(this._settings),
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      plugin_settings: {
        value: cdktf.hashMapperHcl(cdktf.hashMapperHcl(cdktf.stringToHclTerraform))(this._pluginSettings),
        isBlock: false,
        type: "map",
        storageClassType: "stringMapMap",
      },
      settings: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._settings),
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
