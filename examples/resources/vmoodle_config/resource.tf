# The same core and plugin settings on two sites. A value changed by hand on one of them shows up
# in the next plan; removing a setting from here puts back what each site had before.
resource "vmoodle_config" "campus_defaults" {
  tenants = ["default/moodle_physics", "default/moodle_maths"]

  settings = {
    forcelogin     = "1"
    sessiontimeout = "7200"
    theme          = "boost"
  }

  plugin_settings = {
    moodlecourse = { format = "topics", numsections = "12" }
    mod_forum    = { maxattachments = "5" }
  }
}
