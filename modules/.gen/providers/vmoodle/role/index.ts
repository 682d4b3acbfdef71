// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface RoleConfig extends cdktf.TerraformMetaArguments {
  /**
  * Shortnames of the roles that holders of this role may assign (Moodle's "Allow role assigns" tab). Exactly this set when given; left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#allow_assign Role#allow_assign}
  */
  readonly allowAssign?: string[];
  /**
  * Shortnames of the roles that holders of this role may override (Moodle's "Allow role overrides" tab). Exactly this set when given; left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#allow_override Role#allow_override}
  */
  readonly allowOverride?: string[];
  /**
  * Shortnames of the roles that holders of this role may switch to (Moodle's "Allow role switchs" tab). Exactly this set when given; left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#allow_switch Role#allow_switch}
  */
  readonly allowSwitch?: string[];
  /**
  * Shortnames of the roles that holders of this role may view (Moodle's "Allow role views" tab). Exactly this set when given; left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#allow_view Role#allow_view}
  */
  readonly allowView?: string[];
  /**
  * Archetype (`manager`, `editingteacher`, `student`, …, or `""`). Left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#archetype Role#archetype}
  */
  readonly archetype?: string;
  /**
  * Capability → `allow`, `prevent`, `prohibit` or `inherit`, at the system context. Stored as Moodle stores them: 1, -1, -1000, and no row for inherit. Every capability must exist on every tenant.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#capabilities Role#capabilities}
  */
  readonly capabilities: { [key: string]: string };
  /**
  * Context levels where the role may be assigned (`system`, `user`, `coursecat`, `course`, `module`, `block`). Exactly this set when given; when omitted an existing role keeps its own and a created role gets its archetype's defaults.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#context_levels Role#context_levels}
  */
  readonly contextLevels?: string[];
  /**
  * Description. Left as it is when omitted.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#description Role#description}
  */
  readonly description?: string;
  /**
  * `exact`: permissions at the system context not listed in `capabilities` are removed. `merge`: only the listed capabilities are touched.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#mode Role#mode}
  */
  readonly mode?: string;
  /**
  * Full name. Empty means Moodle's language string for standard roles. Left as it is when omitted (a created role gets '').
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#name Role#name}
  */
  readonly name?: string;
  /**
  * Role shortname, e.g. `editingteacher`. Changing it manages another role.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#shortname Role#shortname}
  */
  readonly shortname: string;
  /**
  * Ids of the tenants (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#tenants Role#tenants}
  */
  readonly tenants: string[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role vmoodle_role}
*/
export class Role extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_role";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Role resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Role to import
  * @param importFromId The id of the existing Role that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Role to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_role", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/role vmoodle_role} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options RoleConfig
  */
  public constructor(scope: Construct, id: string, config: RoleConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_role',
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
    this._allowAssign = config.allowAssign;
    this._allowOverride = config.allowOverride;
    this._allowSwitch = config.allowSwitch;
    this._allowView = config.allowView;
    this._archetype = config.archetype;
    this._capabilities = config.capabilities;
    this._contextLevels = config.contextLevels;
    this._description = config.description;
    this._mode = config.mode;
    this._name = config.name;
    this._shortname = config.shortname;
    this._tenants = config.tenants;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // allow_assign - computed: false, optional: true, required: false
  private _allowAssign?: string[]; 
  public get allowAssign() {
    return cdktf.Fn.tolist(this.getListAttribute('allow_assign'));
  }
  public set allowAssign(value: string[]) {
    this._allowAssign = value;
  }
  public resetAllowAssign() {
    this._allowAssign = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowAssignInput() {
    return this._allowAssign;
  }

  // allow_override - computed: false, optional: true, required: false
  private _allowOverride?: string[]; 
  public get allowOverride() {
    return cdktf.Fn.tolist(this.getListAttribute('allow_override'));
  }
  public set allowOverride(value: string[]) {
    this._allowOverride = value;
  }
  public resetAllowOverride() {
    this._allowOverride = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowOverrideInput() {
    return this._allowOverride;
  }

  // allow_switch - computed: false, optional: true, required: false
  private _allowSwitch?: string[]; 
  public get allowSwitch() {
    return cdktf.Fn.tolist(this.getListAttribute('allow_switch'));
  }
  public set allowSwitch(value: string[]) {
    this._allowSwitch = value;
  }
  public resetAllowSwitch() {
    this._allowSwitch = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowSwitchInput() {
    return this._allowSwitch;
  }

  // allow_view - computed: false, optional: true, required: false
  private _allowView?: string[]; 
  public get allowView() {
    return cdktf.Fn.tolist(this.getListAttribute('allow_view'));
  }
  public set allowView(value: string[]) {
    this._allowView = value;
  }
  public resetAllowView() {
    this._allowView = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowViewInput() {
    return this._allowView;
  }

  // archetype - computed: false, optional: true, required: false
  private _archetype?: string; 
  public get archetype() {
    return this.getStringAttribute('archetype');
  }
  public set archetype(value: string) {
    this._archetype = value;
  }
  public resetArchetype() {
    this._archetype = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get archetypeInput() {
    return this._archetype;
  }

  // capabilities - computed: false, optional: false, required: true
  private _capabilities?: { [key: string]: string }; 
  public get capabilities() {
    return this.getStringMapAttribute('capabilities');
  }
  public set capabilities(value: { [key: string]: string }) {
    this._capabilities = value;
  }
  // Temporarily expose input value. Use with caution.
  public get capabilitiesInput() {
    return this._capabilities;
  }

  // context_levels - computed: false, optional: true, required: false
  private _contextLevels?: string[]; 
  public get contextLevels() {
    return cdktf.Fn.tolist(this.getListAttribute('context_levels'));
  }
  public set contextLevels(value: string[]) {
    this._contextLevels = value;
  }
  public resetContextLevels() {
    this._contextLevels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get contextLevelsInput() {
    return this._contextLevels;
  }

  // description - computed: false, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // mode - computed: true, optional: true, required: false
  private _mode?: string; 
  public get mode() {
    return this.getStringAttribute('mode');
  }
  public set mode(value: string) {
    this._mode = value;
  }
  public resetMode() {
    this._mode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get modeInput() {
    return this._mode;
  }

  // name - computed: false, optional: true, required: false
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  public resetName() {
    this._name = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // role_ids - computed: true, optional: false, required: false
  private _roleIds = new cdktf.NumberMap(this, "role_ids");
  public get roleIds() {
    return this._roleIds;
  }

  // shortname - computed: false, optional: false, required: true
  private _shortname?: string; 
  public get shortname() {
    return this.getStringAttribute('shortname');
  }
  public set shortname(value: string) {
    this._shortname = value;
  }
  // Temporarily expose input value. Use with caution.
  public get shortnameInput() {
    return this._shortname;
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
      allow_assign: cdktf.listMapper(cdktf.stringToTerraform, false)(this._allowAssign),
      allow_override: cdktf.listMapper(cdktf.stringToTerraform, false)(this._allowOverride),
      allow_switch: cdktf.listMapper(cdktf.stringToTerraform, false)(this._allowSwitch),
      allow_view: cdktf.listMapper(cdktf.stringToTerraform, false)(this._allowView),
      archetype: cdktf.stringToTerraform(this._archetype),
      capabilities: cdktf.hashMapper(cdktf.stringToTerraform)(this._capabilities),
      context_levels: cdktf.listMapper(cdktf.stringToTerraform, false)(this._contextLevels),
      description: cdktf.stringToTerraform(this._description),
      mode: cdktf.stringToTerraform(this._mode),
      name: cdktf.stringToTerraform(this._name),
      shortname: cdktf.stringToTerraform(this._shortname),
      tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tenants),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      allow_assign: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._allowAssign),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      allow_override: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._allowOverride),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      allow_switch: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._allowSwitch),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      allow_view: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._allowView),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      archetype: {
        value: cdktf.stringToHclTerraform(this._archetype),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      capabilities: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._capabilities),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      context_levels: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._contextLevels),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      mode: {
        value: cdktf.stringToHclTerraform(this._mode),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      shortname: {
        value: cdktf.stringToHclTerraform(this._shortname),
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
