# The teacher role on three sites, capability by capability.
data "vmoodle_role_comparison" "teacher" {
  tenants   = ["default/moodle_physics", "default/moodle_maths", "db2/moodle_chemistry"]
  shortname = "editingteacher"
}

output "teacher_differences" {
  value = data.vmoodle_role_comparison.teacher.differences
}

# Warns on every plan while the role differs between the sites.
check "teacher_role_in_sync" {
  assert {
    condition     = data.vmoodle_role_comparison.teacher.identical
    error_message = "editingteacher differs on: ${join(", ", data.vmoodle_role_comparison.teacher.differing_capabilities)}; missing on: ${join(", ", data.vmoodle_role_comparison.teacher.missing_on)}"
  }
}
