# Upgrade night: every site behind the CLI maintenance page (nobody gets in, admins included;
# Moodle serves the page before it opens the database). Set enabled = false, or remove the
# resource, to open the sites again.
variable "upgrading" {
  type    = bool
  default = false
}

data "vmoodle_tenants" "all" {}

resource "vmoodle_maintenance" "upgrade" {
  tenants = [for t in data.vmoodle_tenants.all.tenants : t.id]
  enabled = var.upgrading
  mode    = "cli"
  message = "<p>Moodle is being upgraded and will be back by 07:00.</p>"
}

# Site mode: visitors get the maintenance page, site administrators can still log in.
resource "vmoodle_maintenance" "physics_exam_prep" {
  tenants = ["default/moodle_physics"]
  mode    = "site"
  message = "Exam preparation in progress."
}
