# Maintenance is imported by the tenant ids; enabled, mode and message are read from the first one.
terraform import vmoodle_maintenance.physics_exam_prep default/moodle_physics

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_maintenance.physics_exam_prep
#   id = "default/moodle_physics"
# }
