# A capability is imported as <capability>@<tenant id>,<tenant id>...: the permissions of every role
# on the first tenant become the state; differences on the other tenants show in the next plan.
terraform import vmoodle_capability.course_view moodle/course:view@default/moodle_physics,default/moodle_maths,db2/moodle_chemistry

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_capability.course_view
#   id = "moodle/course:view@default/moodle_physics,default/moodle_maths,db2/moodle_chemistry"
# }
