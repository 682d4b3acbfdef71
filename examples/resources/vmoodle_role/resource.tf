# Every faculty site, by id (in one configuration with the tenants, write vmoodle_tenant.<name>.id).
data "vmoodle_tenants" "faculties" {
  host_suffix = ".example.edu"
}

locals {
  faculties = [for t in data.vmoodle_tenants.faculties.tenants : t.id]
}

# Merge mode: only these permissions of the standard teacher role are changed; the rest of its
# definition stays as each site has it.
resource "vmoodle_role" "editingteacher" {
  tenants   = local.faculties
  shortname = "editingteacher"
  mode      = "merge"

  capabilities = {
    "moodle/course:update"    = "allow"
    "moodle/site:sendmessage" = "prevent"
    "moodle/role:assign"      = "inherit" # no row: the permission is inherited
  }
}

# Exact mode: a site-wide role defined entirely here, created where it is missing. Any other
# system-context permission of the role is removed.
resource "vmoodle_role" "examiner" {
  tenants     = local.faculties
  shortname   = "examiner"
  name        = "Examiner"
  description = "Reads and marks exam submissions."
  archetype   = "teacher"
  mode        = "exact"

  capabilities = {
    "moodle/course:view"      = "allow"
    "moodle/user:viewdetails" = "allow"
    "moodle/course:update"    = "prohibit"
  }

  context_levels = ["course", "module"]
  allow_assign   = ["student"]
  allow_view     = ["examiner", "student", "editingteacher"]
}

output "examiner_role_ids" {
  value = vmoodle_role.examiner.role_ids
}
