# The quickstart constellation: two Moodle sites sharing one code base.
# `npm run quickstart` applies it against a private MariaDB with the provider settings taken from
# the VMOODLE_REGISTRY, VMOODLE_SERVER_DEFAULT and VMOODLE_DATAROOT_BASE environment variables.
terraform {
  required_providers {
    vmoodle = { source = "vmoodle/vmoodle", version = "~> 0.1" }
  }
}

provider "vmoodle" {}

resource "vmoodle_tenant" "physics" {
  host      = "physics.example.edu"
  name      = "Faculty of Physics"
  shortname = "physics"
  database  = { name = "moodle_physics" }
  config    = { theme = "boost" }

  # A demo: `npm run quickstart:stop` destroys it. Keep the default (true) for real sites.
  deletion_protection = false
}

resource "vmoodle_tenant" "maths" {
  host      = "maths.example.edu"
  name      = "Faculty of Mathematics"
  shortname = "maths"
  database  = { name = "moodle_maths" }

  deletion_protection = false
}

output "sites" {
  value = { for t in [vmoodle_tenant.physics, vmoodle_tenant.maths] : t.host => t.wwwroot }
}
