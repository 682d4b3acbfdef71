# Purge every site's caches whenever the deployed Moodle code changes (what an upgrade script
# would run as admin/cli/purge_caches.php on each site).
variable "moodle_release" {
  type    = string
  default = "5.1+ (Build: 20251205)"
}

data "vmoodle_tenants" "all" {}

resource "vmoodle_cache_purge" "after_deploy" {
  tenants  = [for t in data.vmoodle_tenants.all.tenants : t.id]
  triggers = { release = var.moodle_release }
}
