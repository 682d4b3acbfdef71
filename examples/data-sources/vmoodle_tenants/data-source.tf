# Every enabled tenant under example.edu on the `default` server.
data "vmoodle_tenants" "faculties" {
  server      = "default"
  enabled     = true
  host_suffix = ".example.edu"
}

# All registered tenants (no filter).
data "vmoodle_tenants" "all" {}

output "faculty_sites" {
  value = { for t in data.vmoodle_tenants.faculties.tenants : t.shortname => t.wwwroot }
}

output "tenant_count" {
  value = length(data.vmoodle_tenants.all.tenants)
}
