# Three faculty sites that trust each other's users: single sign-on in both directions between
# every pair. Each site gets its own MNet key pair and certificate; every site lists the others
# as peers.
locals {
  faculties = {
    physics   = "Faculty of Physics"
    chemistry = "Faculty of Chemistry"
    maths     = "Faculty of Mathematics"
  }
}

resource "vmoodle_tenant" "faculty" {
  for_each = local.faculties

  host      = "${each.key}.example.edu"
  name      = each.value
  shortname = each.key
  database  = { name = "moodle_${each.key}" }
  template  = "${path.module}/templates/moodle-4.5-faculty.sql.gz"
}

resource "vmoodle_mnet_subnetwork" "campus" {
  name    = "campus"
  members = [for t in vmoodle_tenant.faculty : t.id]

  # The default: SSO identity provider and service provider, both ways.
  services = ["sso_idp", "sso_sp"]

  # Every authenticated user may roam to the other faculties. Without this only site admins can:
  # each member's "user" role gets moodle/site:mnetlogintoremote. vmoodle removes only the grants
  # it made itself, when the role or a member leaves the list or the subnetwork is destroyed.
  roaming_roles = ["user"]

  # New certificates are valid 28 days; those expiring within 7 days show in plan and are
  # renewed (with every peer's copy) by the next apply. Run apply at least weekly.
  key_lifetime_days = 28
  renew_before_days = 7
}

# A tenant may belong to several subnetworks: physics and the observatory also exchange remote
# enrolment. Physics keeps SSO with chemistry and maths through "campus".
resource "vmoodle_tenant" "observatory" {
  host      = "observatory.example.edu"
  name      = "Observatory"
  shortname = "observatory"
  database  = { name = "moodle_observatory" }
  template  = "${path.module}/templates/moodle-4.5-faculty.sql.gz"
}

resource "vmoodle_mnet_subnetwork" "astronomy" {
  name     = "astronomy"
  members  = [vmoodle_tenant.faculty["physics"].id, vmoodle_tenant.observatory.id]
  services = ["sso_idp", "sso_sp", "mnet_enrol"]
}

output "campus_certificates" {
  value = { for id, m in vmoodle_mnet_subnetwork.campus.member_state : id => m.certificate_expires }
}
