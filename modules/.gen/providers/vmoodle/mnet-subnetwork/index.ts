// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface MnetSubnetworkConfig extends cdktf.TerraformMetaArguments {
  /**
  * Validity of newly issued certificates, in days (Moodle's `mnetkeylifetime`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#key_lifetime_days MnetSubnetwork#key_lifetime_days}
  */
  readonly keyLifetimeDays?: number;
  /**
  * Tenant ids (`vmoodle_tenant.<name>.id`), each listed once. Every member must hold a Moodle database (created from a template).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#members MnetSubnetwork#members}
  */
  readonly members: string[];
  /**
  * Unique name of the subnetwork; also its import id. Changing it replaces the subnetwork.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#name MnetSubnetwork#name}
  */
  readonly name: string;
  /**
  * A certificate expiring within this many days shows in plan and is renewed (with every peer's copy) by the next apply. Less than `key_lifetime_days`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#renew_before_days MnetSubnetwork#renew_before_days}
  */
  readonly renewBeforeDays?: number;
  /**
  * Shortnames of roles whose users may roam (single sign-on) from the identity providers of this subnetwork, e.g. `["user"]` for every authenticated user. On every member (all members are identity providers when `services` has `sso_idp`) these roles get `moodle/site:mnetlogintoremote` = allow at the system context, which no role has by default, so otherwise only site administrators roam. Each role must exist on every member. vmoodle records the grants it makes, and removes only those (when a role is dropped from the list, a member leaves, or the subnetwork is destroyed), and only while they still allow: a grant that existed before, or one changed by hand since, is left in place. A role that already has the capability set to prevent or prohibit by someone else is an error.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#roaming_roles MnetSubnetwork#roaming_roles}
  */
  readonly roamingRoles?: string[];
  /**
  * MNet services every pair of members publishes and subscribes to, in both directions: `sso_idp`, `sso_sp`, `mnet_enrol`, `pf`. The default gives single sign-on both ways.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#services MnetSubnetwork#services}
  */
  readonly services?: string[];
}
export interface MnetSubnetworkMemberState {
}

export function mnetSubnetworkMemberStateToTerraform(struct?: MnetSubnetworkMemberState): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function mnetSubnetworkMemberStateToHclTerraform(struct?: MnetSubnetworkMemberState): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class MnetSubnetworkMemberStateOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectKey the key of this item in the map
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectKey: string) {
    super(terraformResource, terraformAttribute, false, complexObjectKey);
  }

  public get internalValue(): MnetSubnetworkMemberState | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: MnetSubnetworkMemberState | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // certificate_expires - computed: true, optional: false, required: false
  public get certificateExpires() {
    return this.getStringAttribute('certificate_expires');
  }

  // mnet_enabled - computed: true, optional: false, required: false
  public get mnetEnabled() {
    return this.getBooleanAttribute('mnet_enabled');
  }

  // peers - computed: true, optional: false, required: false
  public get peers() {
    return cdktf.Fn.tolist(this.getListAttribute('peers'));
  }

  // roaming_roles - computed: true, optional: false, required: false
  public get roamingRoles() {
    return cdktf.Fn.tolist(this.getListAttribute('roaming_roles'));
  }
}

export class MnetSubnetworkMemberStateMap extends cdktf.ComplexMap {

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
  public get(key: string): MnetSubnetworkMemberStateOutputReference {
    return new MnetSubnetworkMemberStateOutputReference(this.terraformResource, this.terraformAttribute, key);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork vmoodle_mnet_subnetwork}
*/
export class MnetSubnetwork extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_mnet_subnetwork";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a MnetSubnetwork resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the MnetSubnetwork to import
  * @param importFromId The id of the existing MnetSubnetwork that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the MnetSubnetwork to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_mnet_subnetwork", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/resources/mnet_subnetwork vmoodle_mnet_subnetwork} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options MnetSubnetworkConfig
  */
  public constructor(scope: Construct, id: string, config: MnetSubnetworkConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_mnet_subnetwork',
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
    this._keyLifetimeDays = config.keyLifetimeDays;
    this._members = config.members;
    this._name = config.name;
    this._renewBeforeDays = config.renewBeforeDays;
    this._roamingRoles = config.roamingRoles;
    this._services = config.services;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // key_lifetime_days - computed: true, optional: true, required: false
  private _keyLifetimeDays?: number; 
  public get keyLifetimeDays() {
    return this.getNumberAttribute('key_lifetime_days');
  }
  public set keyLifetimeDays(value: number) {
    this._keyLifetimeDays = value;
  }
  public resetKeyLifetimeDays() {
    this._keyLifetimeDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get keyLifetimeDaysInput() {
    return this._keyLifetimeDays;
  }

  // member_state - computed: true, optional: false, required: false
  private _memberState = new MnetSubnetworkMemberStateMap(this, "member_state");
  public get memberState() {
    return this._memberState;
  }

  // members - computed: false, optional: false, required: true
  private _members?: string[]; 
  public get members() {
    return this.getListAttribute('members');
  }
  public set members(value: string[]) {
    this._members = value;
  }
  // Temporarily expose input value. Use with caution.
  public get membersInput() {
    return this._members;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // renew_before_days - computed: true, optional: true, required: false
  private _renewBeforeDays?: number; 
  public get renewBeforeDays() {
    return this.getNumberAttribute('renew_before_days');
  }
  public set renewBeforeDays(value: number) {
    this._renewBeforeDays = value;
  }
  public resetRenewBeforeDays() {
    this._renewBeforeDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get renewBeforeDaysInput() {
    return this._renewBeforeDays;
  }

  // roaming_roles - computed: true, optional: true, required: false
  private _roamingRoles?: string[]; 
  public get roamingRoles() {
    return cdktf.Fn.tolist(this.getListAttribute('roaming_roles'));
  }
  public set roamingRoles(value: string[]) {
    this._roamingRoles = value;
  }
  public resetRoamingRoles() {
    this._roamingRoles = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get roamingRolesInput() {
    return this._roamingRoles;
  }

  // services - computed: true, optional: true, required: false
  private _services?: string[]; 
  public get services() {
    return cdktf.Fn.tolist(this.getListAttribute('services'));
  }
  public set services(value: string[]) {
    this._services = value;
  }
  public resetServices() {
    this._services = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      key_lifetime_days: cdktf.numberToTerraform(this._keyLifetimeDays),
      members: cdktf.listMapper(cdktf.stringToTerraform, false)(this._members),
      name: cdktf.stringToTerraform(this._name),
      renew_before_days: cdktf.numberToTerraform(this._renewBeforeDays),
      roaming_roles: cdktf.listMapper(cdktf.stringToTerraform, false)(this._roamingRoles),
      services: cdktf.listMapper(cdktf.stringToTerraform, false)(this._services),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      key_lifetime_days: {
        value: cdktf.numberToHclTerraform(this._keyLifetimeDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      members: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._members),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      renew_before_days: {
        value: cdktf.numberToHclTerraform(this._renewBeforeDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      roaming_roles: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._roamingRoles),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      services: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._services),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
