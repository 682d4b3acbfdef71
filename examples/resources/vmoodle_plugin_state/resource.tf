# Fleet policy for every faculty site: chat off, CAS single sign-on on (with its settings), the
# MathJax filter off. Each resource writes where Moodle keeps that plugin type's switch.
data "vmoodle_tenants" "faculties" {
  host_suffix = ".example.edu"
}

locals {
  faculty_ids = [for t in data.vmoodle_tenants.faculties.tenants : t.id]
}

resource "vmoodle_plugin_state" "chat" {
  plugin  = "mod_chat"
  enabled = false
  tenants = local.faculty_ids
}

resource "vmoodle_plugin_state" "cas" {
  plugin  = "auth_cas"
  enabled = true
  tenants = local.faculty_ids

  # config_plugins rows of auth_cas. Removing one later puts back the value it had before.
  settings = {
    hostname = "sso.example.edu"
    port     = "443"
    baseuri  = "cas/"
  }
}

resource "vmoodle_plugin_state" "mathjax" {
  plugin  = "filter_mathjaxloader"
  enabled = false
  tenants = ["default/moodle_physics", "default/moodle_maths"]
}

# Which sites still differ from the policy is visible in every plan; this lists where CAS is on.
output "cas_enabled_on" {
  value = [for id, s in vmoodle_plugin_state.cas.applied : id if s.enabled]
}
