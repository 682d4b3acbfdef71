// https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/mnet_peers
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataVmoodleMnetPeersConfig extends cdktf.TerraformMetaArguments {
  /**
  * Tenant id (`vmoodle_tenant.<name>.id`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/mnet_peers#tenant DataVmoodleMnetPeers#tenant}
  */
  readonly tenant: string;
}
export interface DataVmoodleMnetPeersPeersServices {
}

export function dataVmoodleMnetPeersPeersServicesToTerraform(struct?: DataVmoodleMnetPeersPeersServices): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataVmoodleMnetPeersPeersServicesToHclTerraform(struct?: DataVmoodleMnetPeersPeersServices): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataVmoodleMnetPeersPeersServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectKey the key of this item in the map
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectKey: string) {
    super(terraformResource, terraformAttribute, false, complexObjectKey);
  }

  public get internalValue(): DataVmoodleMnetPeersPeersServices | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataVmoodleMnetPeersPeersServices | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // publish - computed: true, optional: false, required: false
  public get publish() {
    return this.getBooleanAttribute('publish');
  }

  // subscribe - computed: true, optional: false, required: false
  public get subscribe() {
    return this.getBooleanAttribute('subscribe');
  }
}

export class DataVmoodleMnetPeersPeersServicesMap extends cdktf.ComplexMap {

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
  public get(key: string): DataVmoodleMnetPeersPeersServicesOutputReference {
    return new DataVmoodleMnetPeersPeersServicesOutputReference(this.terraformResource, this.terraformAttribute, key);
  }
}
export interface DataVmoodleMnetPeersPeers {
}

export function dataVmoodleMnetPeersPeersToTerraform(struct?: DataVmoodleMnetPeersPeers): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataVmoodleMnetPeersPeersToHclTerraform(struct?: DataVmoodleMnetPeersPeers): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataVmoodleMnetPeersPeersOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): DataVmoodleMnetPeersPeers | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataVmoodleMnetPeersPeers | undefined) {
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

  // certificate_valid - computed: true, optional: false, required: false
  public get certificateValid() {
    return this.getBooleanAttribute('certificate_valid');
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // services - computed: true, optional: false, required: false
  private _services = new DataVmoodleMnetPeersPeersServicesMap(this, "services");
  public get services() {
    return this._services;
  }

  // tenant_id - computed: true, optional: false, required: false
  public get tenantId() {
    return this.getStringAttribute('tenant_id');
  }

  // wwwroot - computed: true, optional: false, required: false
  public get wwwroot() {
    return this.getStringAttribute('wwwroot');
  }
}

export class DataVmoodleMnetPeersPeersList extends cdktf.ComplexList {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): DataVmoodleMnetPeersPeersOutputReference {
    return new DataVmoodleMnetPeersPeersOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/mnet_peers vmoodle_mnet_peers}
*/
export class DataVmoodleMnetPeers extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "vmoodle_mnet_peers";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataVmoodleMnetPeers resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataVmoodleMnetPeers to import
  * @param importFromId The id of the existing DataVmoodleMnetPeers that should be imported. Refer to the {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/mnet_peers#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataVmoodleMnetPeers to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "vmoodle_mnet_peers", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/vmoodle/vmoodle/latest/docs/data-sources/mnet_peers vmoodle_mnet_peers} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataVmoodleMnetPeersConfig
  */
  public constructor(scope: Construct, id: string, config: DataVmoodleMnetPeersConfig) {
    super(scope, id, {
      terraformResourceType: 'vmoodle_mnet_peers',
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
    this._tenant = config.tenant;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // certificate_expires - computed: true, optional: false, required: false
  public get certificateExpires() {
    return this.getStringAttribute('certificate_expires');
  }

  // mnet_enabled - computed: true, optional: false, required: false
  public get mnetEnabled() {
    return this.getBooleanAttribute('mnet_enabled');
  }

  // peers - computed: true, optional: false, required: false
  private _peers = new DataVmoodleMnetPeersPeersList(this, "peers", false);
  public get peers() {
    return this._peers;
  }

  // tenant - computed: false, optional: false, required: true
  private _tenant?: string; 
  public get tenant() {
    return this.getStringAttribute('tenant');
  }
  public set tenant(value: string) {
    this._tenant = value;
  }
  // Temporarily expose input value. Use with caution.
  public get tenantInput() {
    return this._tenant;
  }

  // wwwroot - computed: true, optional: false, required: false
  public get wwwroot() {
    return this.getStringAttribute('wwwroot');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      tenant: cdktf.stringToTerraform(this._tenant),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      tenant: {
        value: cdktf.stringToHclTerraform(this._tenant),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
