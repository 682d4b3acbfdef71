terraform {
  required_providers {
    vmoodle = {
      source  = "vmoodle/vmoodle"
      version = "~> 0.1"
    }
  }
}

# Every argument can also come from the environment (VMOODLE_REGISTRY, VMOODLE_SERVER_<NAME>,
# VMOODLE_DATAROOT_BASE, ...): with those set, `provider "vmoodle" {}` is all you need.
provider "vmoodle" {
  registry = "mysql://vmoodle:${urlencode(var.registry_password)}@db1.example.edu:3306/vmoodle_registry"

  # Tenants are spread over named servers; `default` is required.
  servers = {
    default = "mysql://vmoodle_admin:${urlencode(var.db_admin_password)}@db1.example.edu:3306/"
    db2     = "mysql://vmoodle_admin:${urlencode(var.db_admin_password)}@db2.example.edu:3306/?moodle_host=db2.internal"
  }

  dataroot_base = "/srv/moodledata"

  # No database call waits for good: lock waits give up after this long, and a server that does
  # not answer fails the apply instead of hanging it (defaults: 300 and 10 seconds).
  statement_timeout_seconds = 300
  connect_timeout_seconds   = 10
}

variable "registry_password" {
  type      = string
  sensitive = true
}

variable "db_admin_password" {
  type      = string
  sensitive = true
}
