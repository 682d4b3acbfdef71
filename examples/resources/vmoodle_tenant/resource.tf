# A site created from a template dump, with forced $CFG settings. The database password is
# generated and kept (sensitive) in state.
resource "vmoodle_tenant" "physics" {
  host      = "physics.example.edu"
  name      = "Faculty of Physics"
  shortname = "physics"

  database = {
    server = "default"
    name   = "moodle_physics"
  }

  template = "${path.module}/templates/moodle-4.5-faculty.sql.gz"

  config = {
    theme          = "boost"
    lang           = "en"
    noemailever    = "1"
    maxbytes       = "104857600"
    forcelogin     = "1"
    sessiontimeout = "7200"
  }
}

# Terraform >= 1.11: a write-only password never reaches plan or state. It comes from an
# ephemeral variable; bump password_wo_version to apply a new one.
variable "chemistry_db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vmoodle_tenant" "chemistry" {
  host        = "moodle.example.edu/chemistry"
  name        = "Department of Chemistry"
  shortname   = "chemistry"
  description = "Chemistry courses, hosted under the main Moodle domain."

  database = {
    server              = "db2"
    name                = "moodle_chemistry"
    user                = "chem_moodle"
    password_wo         = var.chemistry_db_password
    password_wo_version = 1
  }

  dataroot = "/srv/moodledata/chemistry"
  enabled  = true

  # Default: true. Set it to false (and apply) before destroying the tenant.
  deletion_protection = true
}

output "physics_wwwroot" {
  value = vmoodle_tenant.physics.wwwroot
}
