# One plugin across three sites.
data "vmoodle_plugin_comparison" "chat" {
  tenants = ["default/moodle_physics", "default/moodle_maths", "db2/moodle_chemistry"]
  plugin  = "mod_chat"
}

# Every authentication plugin installed on any of them, side by side.
data "vmoodle_plugin_comparison" "auth" {
  tenants     = ["default/moodle_physics", "default/moodle_maths", "db2/moodle_chemistry"]
  plugin_type = "auth"
}

output "chat_enabled" {
  value = { for id, s in data.vmoodle_plugin_comparison.chat.plugins["mod_chat"] : id => s.enabled }
}

# Warns on every plan while an auth plugin is not the same everywhere.
check "auth_plugins_in_sync" {
  assert {
    condition     = length(data.vmoodle_plugin_comparison.auth.differing) == 0
    error_message = "Auth plugins differ between sites: ${join(", ", data.vmoodle_plugin_comparison.auth.differing)}"
  }
}
