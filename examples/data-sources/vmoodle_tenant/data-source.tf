# Looks a tenant up by host, e.g. to reach a site that another configuration manages.
data "vmoodle_tenant" "physics" {
  host = "physics.example.edu"
}

output "physics" {
  value = {
    wwwroot  = data.vmoodle_tenant.physics.wwwroot
    server   = data.vmoodle_tenant.physics.server
    database = data.vmoodle_tenant.physics.database
    enabled  = data.vmoodle_tenant.physics.enabled
  }
}
