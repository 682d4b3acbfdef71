# A plugin state is imported as <plugin>:<tenant id>[,<tenant id>...]. What the tenants have at
# import time is what removing them (or destroying the resource) later puts back.
terraform import vmoodle_plugin_state.chat mod_chat:default/moodle_physics,default/moodle_maths

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_plugin_state.chat
#   id = "mod_chat:default/moodle_physics,default/moodle_maths"
# }
