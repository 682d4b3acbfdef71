# One site's MNet peers as Moodle sees them, e.g. to check that every peer certificate is valid.
data "vmoodle_mnet_peers" "physics" {
  tenant = "default/moodle_physics"
}

output "physics_peers" {
  value = {
    for p in data.vmoodle_mnet_peers.physics.peers : p.wwwroot => {
      tenant      = p.tenant_id
      valid       = p.certificate_valid
      expires     = p.certificate_expires
      sso_to_peer = try(p.services["sso_sp"].subscribe, false)
    }
  }
}

check "mnet_certificates" {
  assert {
    condition     = alltrue([for p in data.vmoodle_mnet_peers.physics.peers : p.certificate_valid])
    error_message = "A peer of physics holds a certificate Moodle would reject."
  }
}
