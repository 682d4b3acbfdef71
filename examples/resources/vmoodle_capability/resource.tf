# One capability pushed to every site, for three roles. Roles not listed keep their permission.
resource "vmoodle_capability" "course_view" {
  tenants    = ["default/moodle_physics", "default/moodle_maths", "db2/moodle_chemistry"]
  capability = "moodle/course:view"

  permissions = {
    manager = "allow"
    guest   = "prohibit"
    teacher = "inherit"
  }
}
