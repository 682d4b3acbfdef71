# A subnetwork is imported by its name; its members and services come from the registry.
terraform import vmoodle_mnet_subnetwork.campus campus

# Terraform >= 1.5 can do the same from configuration, during plan and apply:
#
# import {
#   to = vmoodle_mnet_subnetwork.campus
#   id = "campus"
# }
