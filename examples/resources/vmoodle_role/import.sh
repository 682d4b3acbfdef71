# A role is imported as <shortname>@<tenant id>,<tenant id>...: its definition on the first tenant
# becomes the state (in exact mode); differences on the other tenants show in the next plan.
terraform import vmoodle_role.examiner examiner@default/moodle_physics,default/moodle_maths

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_role.examiner
#   id = "examiner@default/moodle_physics,default/moodle_maths"
# }
