# Settings are imported as <tenant id>[,<tenant id>...]:<name>[,<plugin>/<name>...]; the values of
# the first tenant become the declared ones, and the plan shows where the others differ.
terraform import vmoodle_config.campus_defaults default/moodle_physics,default/moodle_maths:forcelogin,sessiontimeout,theme,moodlecourse/format,moodlecourse/numsections,mod_forum/maxattachments

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_config.campus_defaults
#   id = "default/moodle_physics,default/moodle_maths:forcelogin,sessiontimeout,theme,moodlecourse/format,moodlecourse/numsections,mod_forum/maxattachments"
# }
