# Devirtualisation: a standalone config.php for one site, so it can run without the vmoodle sidecar.
# The content holds the database password. Read it with `terraform output -raw physics_config_php`,
# or write it with a file resource; `vmoodle config-php physics.example.edu` prints the same text.
data "vmoodle_config_php" "physics" {
  tenant = "default/moodle_physics"
}

output "physics_config_php" {
  value     = data.vmoodle_config_php.physics.content
  sensitive = true
}
