# A tenant is imported by its host (or host/subpath), as registered in the registry.
terraform import vmoodle_tenant.physics physics.example.edu

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_tenant.physics
#   id = "physics.example.edu"
# }
