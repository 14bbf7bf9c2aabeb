include "root" {
  path = find_in_parent_folders()
}

dependency "platform" {
  config_path  = "../platform"
  skip_outputs = true
}

dependency "vault" {
  config_path  = "../vault"
  skip_outputs = true
}

dependency "external-secrets" {
  config_path  = "../external-secrets"
  skip_outputs = true
}

inputs = {
  # :latest — CI drives the rollout (ADR-0002): every push builds :<sha8> + :latest on ghcr,
  # then the Woodpecker deploy pipeline sets the Deployment (and its alembic-migrate init
  # container) to the concrete SHA; the image is KEEL_IGNORE_IMAGE'd in main.tf. The CronJobs
  # track :latest with imagePullPolicy Always.
  image_tag = "latest"
}
