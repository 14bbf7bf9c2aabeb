# Add to stacks/vault/main.tf: hmrc-sync's Vault kubernetes-auth role and its policy.
#
# hmrc-sync keeps the HMRC grant (refresh token, rotated on every refresh) in its OWN KV v2
# secret, secret/hmrc-sync, and writes it itself with compare-and-set. Least privilege:
# create/read/update on that one path (delete on the metadata only for `hmrc-sync auth
# logout`). Never secret/viktor: a KV v2 write replaces the whole secret.

resource "vault_policy" "hmrc_sync" {
  name = "hmrc-sync"
  # stacks/hmrc-sync — stores the HMRC OAuth grant the owner gives at /authorize and
  # rotates it on every refresh (Deployment and CronJobs share ServiceAccount hmrc-sync).
  policy = <<-EOT
    path "secret/data/hmrc-sync" {
      capabilities = ["create", "read", "update"]
    }
    path "secret/metadata/hmrc-sync" {
      capabilities = ["read", "delete"]
    }
  EOT
}

resource "vault_kubernetes_auth_backend_role" "hmrc_sync" {
  backend                          = vault_auth_backend.kubernetes.path
  role_name                        = "hmrc-sync"
  bound_service_account_names      = ["hmrc-sync"]
  bound_service_account_namespaces = ["hmrc-sync"]
  token_policies                   = [vault_policy.hmrc_sync.name]
  token_ttl                        = 259200 # 3d (staggered from ci=7d, eso=10d, woodpecker=8d, openclaw=9d, terraform-state=6d, hermes=5d, vpn-portal=4d)
  token_period                     = 259200 # periodic: auto-renews indefinitely
}
