data "vmoodle_tenants" "all" {}

# Runs once on every site, each in its own transaction; {prefix} becomes the site's table prefix.
# Bump triggers.rev to run the statements again everywhere. A site that fails is reported by name
# and retried on the next apply; the others do not run again.
resource "vmoodle_sql_broadcast" "hide_rss_block" {
  tenants = [for t in data.vmoodle_tenants.all.tenants : t.id]

  statements = [
    "UPDATE {prefix}block SET visible = 0 WHERE name = 'rss_client'",
    "DELETE FROM {prefix}config_plugins WHERE plugin = 'block_rss_client' AND name = 'num_entries'",
  ]

  triggers = {
    rev = "1"
  }
}

output "hide_rss_block_results" {
  value = {
    for id, r in vmoodle_sql_broadcast.hide_rss_block.results : id => r.status == "succeeded" ? "${r.rows_affected} rows" : r.error
  }
}
