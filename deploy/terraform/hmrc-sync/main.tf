# =============================================================================
# hmrc-sync — an audited record of what HMRC holds about Viktor's pay and tax
# =============================================================================
# Copy this folder to stacks/hmrc-sync/ in the infra repo (see README.md beside this file
# for the edits it needs in the vault, kyverno and monitoring stacks, and the Vault keys to
# seed first). Cloned from stacks/payslip-ingest: same ExternalSecret, Deployment, probes,
# CronJob and lifecycle conventions, plus what payslip-ingest lacks (Ingress with an
# auth="none" carve-out for /callback only, active_deadline_seconds, a ServiceAccount for
# Vault kubernetes-auth, a metrics scrape).
#
# Image built OFF-INFRA by GitHub Actions and pushed to GHCR (ADR-0002): the Deployment's
# running tag is set by the Woodpecker deploy pipeline (`kubectl set image`, image is
# KEEL_IGNORE_IMAGE below); the CronJobs track :latest with pull policy Always.
#
# Data: schema hmrc_sync inside database payslip_ingest, so Grafana's Panel 10 (datasource
# payslips-pg) can join hmrc_sync.tax_year_snapshot with payslip_ingest.payslip. hmrc-sync
# connects as payslip_ingest through the existing static role (option (a) in the digest):
# no dbaas or Vault database change. Its Alembic history is hmrc_sync.alembic_version.
#
# Secrets:
#   * static keys from secret/viktor, explicit data[] entries only (never dataFrom.extract);
#   * the HMRC grant (refresh token) is written by the app itself to its OWN KV path
#     secret/hmrc-sync through Vault kubernetes-auth role `hmrc-sync` (vpn-portal pattern).
#     ESO never reads that path: a copy in a K8s Secret would go stale at the next rotation.
# =============================================================================

variable "image_tag" {
  type        = string
  default     = "latest"
  description = "hmrc-sync image tag. CI sets the Deployment to the 8-char git SHA; the CronJobs use :latest."
}

variable "postgresql_host" { type = string }

variable "tls_secret_name" {
  type      = string
  sensitive = true
}

variable "pushgateway_url" {
  type        = string
  default     = "http://prometheus-prometheus-pushgateway.monitoring:9091"
  description = "Pushgateway base URL for the CronJobs' metrics (the Service name really is doubled)."
}

variable "trusted_proxies" {
  type        = string
  default     = "10.10.0.0/16"
  description = "Pod CIDR: Traefik's X-Forwarded-For is believed only from these addresses."
}

locals {
  name      = "hmrc-sync"
  namespace = "hmrc-sync"
  image     = "ghcr.io/viktorbarzin/hmrc-sync:${var.image_tag}"
  host      = "hmrc-oauth"
  # The redirect URI registered for the production application in HMRC's Developer Hub;
  # it must match character for character.
  public_url = "https://${local.host}.viktorbarzin.me"

  labels = {
    app = local.name
  }
  # The Service selects only the web pods: CronJob pods carry app=hmrc-sync too and would
  # otherwise become (portless) endpoints while they run.
  web_labels = {
    app       = local.name
    component = "web"
  }
  sync_labels = {
    app       = local.name
    component = "sync"
  }
  sync_previous_labels = {
    app       = local.name
    component = "sync-previous"
  }

  # Plain settings shared by every container (secrets come from the two ExternalSecrets).
  # Each name is a setting hmrc-sync reads (tests/unit/deploy checks them; docs/configuration.md).
  app_env = {
    HMRC_SYNC_ENVIRONMENT     = "production"
    HMRC_SYNC_REDIRECT_URI    = "${local.public_url}/callback"
    HMRC_SYNC_PAYSLIP_SOURCE  = "payslip-ingest"
    HMRC_SYNC_PAYSLIP_SCHEMA  = "payslip_ingest"
    HMRC_SYNC_TRUSTED_PROXIES = var.trusted_proxies
    # Token store: Vault KV v2 at secret/hmrc-sync, logged in with this pod's
    # ServiceAccount through the kubernetes-auth role below (stacks/vault: vault_policy
    # hmrc_sync + vault_kubernetes_auth_backend_role hmrc_sync).
    HMRC_SYNC_TOKEN_STORE = "vault"
    VAULT_ADDR            = "http://vault-active.vault.svc.cluster.local:8200"
    VAULT_K8S_ROLE        = "hmrc-sync"
    HMRC_SYNC_VAULT_MOUNT = "secret"
    HMRC_SYNC_VAULT_PATH  = "hmrc-sync"
  }

  secret_env_sources = ["hmrc-sync-secrets", "hmrc-sync-db-creds"]
}

resource "kubernetes_namespace" "hmrc_sync" {
  metadata {
    name = local.namespace
    labels = {
      tier              = local.tiers.aux
      "istio-injection" = "disabled"
      # Opt into Keel auto-update (inject-keel-annotations ClusterPolicy).
      "keel.sh/enrolled" = "true"
    }
  }
  lifecycle {
    # KYVERNO_LIFECYCLE_V1: goldilocks-vpa-auto-mode ClusterPolicy stamps this label on every namespace
    ignore_changes = [metadata[0].labels["goldilocks.fairwinds.com/vpa-update-mode"]]
  }
}

# Dedicated SA — the Vault kubernetes-auth role `hmrc-sync` binds
# system:serviceaccount:hmrc-sync:hmrc-sync (create/read/update on secret/data/hmrc-sync only).
# The Deployment (which stores a new grant at /callback) and the CronJobs (which rotate the
# refresh token) use the same SA; a PostgreSQL advisory lock serialises their refreshes.
resource "kubernetes_service_account" "hmrc_sync" {
  metadata {
    name      = local.name
    namespace = kubernetes_namespace.hmrc_sync.metadata[0].name
    labels    = local.labels
  }
}

# App secrets from Vault KV, explicit keys only. Seed these in secret/viktor before applying
# (`vault kv patch secret/viktor key=value`, never `put`, which would replace all 135+ keys):
#   hmrc_prod_client_id      client id of the PRODUCTION application in HMRC's Developer Hub
#   hmrc_prod_client_secret  its client secret
#   hmrc_utr                 Viktor's 10-digit Self Assessment UTR
#   hmrc_nino                Viktor's National Insurance number (already present)
#   hmrc_sync_webhook_token  bearer token for POST /sync      (openssl rand -hex 32)
#   hmrc_sync_admin_token    owner sign-in token for /authorize (openssl rand -hex 32)
# The HMRC grant itself is NOT here: hmrc-sync writes it to secret/hmrc-sync.
resource "kubernetes_manifest" "external_secret" {
  field_manager {
    force_conflicts = true
  }
  manifest = {
    apiVersion = "external-secrets.io/v1"
    kind       = "ExternalSecret"
    metadata = {
      name      = "hmrc-sync-secrets"
      namespace = local.namespace
    }
    spec = {
      refreshInterval = "15m"
      secretStoreRef = {
        name = "vault-kv"
        kind = "ClusterSecretStore"
      }
      target = {
        name = "hmrc-sync-secrets"
        template = {
          metadata = {
            annotations = {
              "reloader.stakater.com/match" = "true"
            }
          }
        }
      }
      data = [
        {
          secretKey = "HMRC_SYNC_CLIENT_ID"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_prod_client_id"
          }
        },
        {
          secretKey = "HMRC_SYNC_CLIENT_SECRET"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_prod_client_secret"
          }
        },
        {
          secretKey = "HMRC_SYNC_UTR"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_utr"
          }
        },
        {
          secretKey = "HMRC_SYNC_NINO"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_nino"
          }
        },
        {
          secretKey = "HMRC_SYNC_WEBHOOK_TOKEN"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_sync_webhook_token"
          }
        },
        {
          secretKey = "HMRC_SYNC_ADMIN_TOKEN"
          remoteRef = {
            key      = "viktor"
            property = "hmrc_sync_admin_token"
          }
        },
      ]
    }
  }
  depends_on = [kubernetes_namespace.hmrc_sync]
}

# DB credentials from the Vault database engine (static role pg-payslip-ingest, rotated every
# 7 days). The template builds the psycopg 3 URL hmrc-sync reads as HMRC_SYNC_DATABASE_URL.
# Vault's generated passwords are URL-safe (letters, digits, '-'), as payslip-ingest relies on.
resource "kubernetes_manifest" "db_external_secret" {
  field_manager {
    force_conflicts = true
  }
  manifest = {
    apiVersion = "external-secrets.io/v1"
    kind       = "ExternalSecret"
    metadata = {
      name      = "hmrc-sync-db-creds"
      namespace = local.namespace
    }
    spec = {
      refreshInterval = "15m"
      secretStoreRef = {
        name = "vault-database"
        kind = "ClusterSecretStore"
      }
      target = {
        name = "hmrc-sync-db-creds"
        template = {
          metadata = {
            annotations = {
              "reloader.stakater.com/match" = "true"
            }
          }
          data = {
            HMRC_SYNC_DATABASE_URL = "postgresql+psycopg://payslip_ingest:{{ .password }}@${var.postgresql_host}:5432/payslip_ingest"
          }
        }
      }
      data = [{
        secretKey = "password"
        remoteRef = {
          key      = "static-creds/pg-payslip-ingest"
          property = "password"
        }
      }]
    }
  }
  depends_on = [kubernetes_namespace.hmrc_sync]
}

resource "kubernetes_deployment" "hmrc_sync" {
  metadata {
    name      = local.name
    namespace = kubernetes_namespace.hmrc_sync.metadata[0].name
    labels = merge(local.web_labels, {
      tier = local.tiers.aux
    })
    annotations = {
      "reloader.stakater.com/search" = "true"
    }
  }

  spec {
    replicas = 1
    strategy {
      type = "Recreate"
    }

    selector {
      match_labels = local.web_labels
    }

    template {
      metadata {
        labels = local.web_labels
        annotations = {
          "dependency.kyverno.io/wait-for" = "postgresql.dbaas:5432"
        }
      }

      spec {
        service_account_name = kubernetes_service_account.hmrc_sync.metadata[0].name
        image_pull_secrets {
          name = "registry-credentials"
        }
        # Private ghcr image (ADR-0002 off-infra builds) — cloned into this namespace by
        # the kyverno sync-ghcr-credentials allowlist policy (ghcr_private_namespaces).
        image_pull_secrets {
          name = "ghcr-credentials"
        }

        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          fs_group        = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        # Named alembic-migrate so the fleet's deploy pipeline (`kubectl set image ...
        # alembic-migrate=IMAGE`) updates it with the main container.
        init_container {
          name    = "alembic-migrate"
          image   = local.image
          command = ["python", "-m", "hmrc_sync", "migrate"]

          dynamic "env_from" {
            for_each = local.secret_env_sources
            content {
              secret_ref {
                name = env_from.value
              }
            }
          }
          dynamic "env" {
            for_each = local.app_env
            content {
              name  = env.key
              value = env.value
            }
          }

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }

          resources {
            requests = {
              cpu    = "50m"
              memory = "256Mi"
            }
            limits = {
              memory = "512Mi"
            }
          }
        }

        container {
          name    = local.name
          image   = local.image
          command = ["python", "-m", "hmrc_sync", "serve", "--host", "0.0.0.0", "--port", "8080"]

          port {
            name           = "http"
            container_port = 8080
          }

          dynamic "env_from" {
            for_each = local.secret_env_sources
            content {
              secret_ref {
                name = env_from.value
              }
            }
          }
          dynamic "env" {
            for_each = local.app_env
            content {
              name  = env.key
              value = env.value
            }
          }

          # Ready = the database answers and its migrations are at head.
          readiness_probe {
            http_get {
              path = "/readyz"
              port = 8080
            }
            initial_delay_seconds = 5
            period_seconds        = 10
          }

          # Alive = the process answers; a database outage must not restart it.
          liveness_probe {
            http_get {
              path = "/healthz"
              port = 8080
            }
            initial_delay_seconds = 10
            period_seconds        = 20
            failure_threshold     = 3
          }

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }

          resources {
            requests = {
              cpu    = "50m"
              memory = "256Mi"
            }
            limits = {
              memory = "512Mi"
            }
          }
        }

        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [
      spec[0].template[0].spec[0].dns_config, # KYVERNO_LIFECYCLE_V1
      metadata[0].annotations["keel.sh/policy"],
      metadata[0].annotations["keel.sh/trigger"],
      metadata[0].annotations["keel.sh/pollSchedule"], # KYVERNO_LIFECYCLE_V2
      metadata[0].annotations["keel.sh/match-tag"],
      spec[0].template[0].spec[0].container[0].image, # KEEL_IGNORE_IMAGE — CI (Woodpecker deploy) sets the tag
      spec[0].template[0].spec[0].init_container[0].image,
      metadata[0].annotations["kubernetes.io/change-cause"],
      metadata[0].annotations["deployment.kubernetes.io/revision"],
      spec[0].template[0].metadata[0].annotations["keel.sh/update-time"], # KEEL_LIFECYCLE_V1
    ]
  }

  depends_on = [
    kubernetes_manifest.external_secret,
    kubernetes_manifest.db_external_secret,
  ]
}

# ClusterIP; the Ingresses below publish / (behind Authentik) and /callback (open).
# Scraped by the kubernetes-service-endpoints job; the hmrc_sync_ prefix must be in that
# job's keep allowlist (stacks/monitoring, prometheus_chart_values.tpl) or every series is
# dropped.
resource "kubernetes_service" "hmrc_sync" {
  metadata {
    name      = local.name
    namespace = kubernetes_namespace.hmrc_sync.metadata[0].name
    labels    = local.labels
    annotations = {
      "prometheus.io/scrape" = "true"
      "prometheus.io/port"   = "8080"
      "prometheus.io/path"   = "/metrics"
    }
  }

  spec {
    type     = "ClusterIP"
    selector = local.web_labels

    port {
      name        = "http"
      port        = 8080
      target_port = 8080
    }
  }
}

# The owner's pages (status page, /owner/login, /authorize, "Sync now") behind Authentik;
# hmrc-sync additionally asks for its own admin token before it starts a grant.
module "ingress" {
  source          = "../../modules/kubernetes/ingress_factory"
  namespace       = kubernetes_namespace.hmrc_sync.metadata[0].name
  name            = local.name
  host            = local.host
  service_name    = kubernetes_service.hmrc_sync.metadata[0].name
  port            = 8080
  dns_type        = "proxied"
  tls_secret_name = var.tls_secret_name
  auth            = "required"
  extra_annotations = {
    "gethomepage.dev/description" = "HMRC pay and tax record"
  }
}

# auth = "none" on /callback ONLY: HMRC's OAuth redirect lands here from the owner's browser
# straight after HMRC's sign-in, and an Authentik 302 would lose the code. hmrc-sync accepts a
# callback only with a single-use `state` bound to the browser that started the flow (signed
# cookie, 10 minutes) and a PKCE verifier; anything else stores nothing and gets a 400.
# Also listed in monitoring's authentik_walloff_targets (see README.md).
module "ingress_callback" {
  source           = "../../modules/kubernetes/ingress_factory"
  namespace        = kubernetes_namespace.hmrc_sync.metadata[0].name
  name             = "hmrc-sync-callback"
  host             = local.host
  service_name     = kubernetes_service.hmrc_sync.metadata[0].name
  port             = 8080
  ingress_path     = ["/callback"]
  auth             = "none"
  dns_type         = "proxied"
  tls_secret_name  = var.tls_secret_name
  homepage_enabled = false
  external_monitor = false
  anti_ai_scraping = false
}

# Daily sync of the current tax year at 06:00 UTC, as design.md specifies. HMRC answers "not
# yet available" for a year still in progress, which is recorded, not an error; the run also
# refreshes the access token every day, so a revoked or lapsed grant is noticed within a day
# (exit codes: 0 ok, 3 re-authorisation required, 4 HMRC unavailable, 5 partly done).
# Results reach Prometheus twice: the web service reads them from the database at each scrape, and the run pushes
# them to the Pushgateway (HMRC_SYNC_PUSHGATEWAY_URL).
resource "kubernetes_cron_job_v1" "sync_current" {
  metadata {
    name      = local.name
    namespace = kubernetes_namespace.hmrc_sync.metadata[0].name
    labels    = local.sync_labels
  }
  spec {
    schedule                      = "0 6 * * *"
    timezone                      = "Etc/UTC"
    suspend                       = false
    concurrency_policy            = "Forbid"
    successful_jobs_history_limit = 3
    failed_jobs_history_limit     = 5
    starting_deadline_seconds     = 300

    job_template {
      metadata {
        labels = local.sync_labels
      }
      spec {
        backoff_limit              = 1
        ttl_seconds_after_finished = 86400
        # A run takes well under a minute (a few requests at HMRC's 3 per second, 30 s
        # timeouts, bounded retries). Bounded so a black-holed connection cannot leave the
        # Job Running and, under Forbid, skip every later run (the 2026-08-10 wedge).
        active_deadline_seconds = 900

        template {
          metadata {
            labels = local.sync_labels
          }
          spec {
            restart_policy       = "OnFailure"
            service_account_name = kubernetes_service_account.hmrc_sync.metadata[0].name
            image_pull_secrets {
              name = "registry-credentials"
            }
            image_pull_secrets {
              name = "ghcr-credentials"
            }
            security_context {
              run_as_non_root = true
              run_as_user     = 10001
              run_as_group    = 10001
              seccomp_profile {
                type = "RuntimeDefault"
              }
            }

            container {
              name              = "sync"
              image             = local.image
              image_pull_policy = "Always"
              command           = ["python", "-m", "hmrc_sync", "sync", "--tax-year", "current"]

              dynamic "env_from" {
                for_each = local.secret_env_sources
                content {
                  secret_ref {
                    name = env_from.value
                  }
                }
              }
              dynamic "env" {
                for_each = local.app_env
                content {
                  name  = env.key
                  value = env.value
                }
              }
              env {
                name  = "HMRC_SYNC_PUSHGATEWAY_URL"
                value = var.pushgateway_url
              }

              security_context {
                allow_privilege_escalation = false
                read_only_root_filesystem  = true
                capabilities {
                  drop = ["ALL"]
                }
              }
              volume_mount {
                name       = "tmp"
                mount_path = "/tmp"
              }

              resources {
                requests = {
                  cpu    = "50m"
                  memory = "128Mi"
                }
                limits = {
                  memory = "384Mi"
                }
              }
            }

            volume {
              name = "tmp"
              empty_dir {}
            }
          }
        }
      }
    }
  }
  lifecycle {
    # KYVERNO_LIFECYCLE_V1: Kyverno admission webhook mutates dns_config with ndots=2
    ignore_changes = [spec[0].job_template[0].spec[0].template[0].spec[0].dns_config]
  }
}

# Daily sync of the PREVIOUS tax year at 06:30 UTC. The Self Assessment pre-population APIs
# (Individual Tax / Income) publish a year only after it has ended (June to November) and
# withdraw it once the return is processed, so the year worth keeping is the previous one;
# checking it daily is what catches that window. Half an hour after the current-year run, so
# the two never overlap (each is bounded to 15 minutes).
resource "kubernetes_cron_job_v1" "sync_previous" {
  metadata {
    name      = "${local.name}-previous"
    namespace = kubernetes_namespace.hmrc_sync.metadata[0].name
    labels    = local.sync_previous_labels
  }
  spec {
    schedule                      = "30 6 * * *"
    timezone                      = "Etc/UTC"
    suspend                       = false
    concurrency_policy            = "Forbid"
    successful_jobs_history_limit = 3
    failed_jobs_history_limit     = 5
    starting_deadline_seconds     = 300

    job_template {
      metadata {
        labels = local.sync_previous_labels
      }
      spec {
        backoff_limit              = 1
        ttl_seconds_after_finished = 86400
        active_deadline_seconds    = 900

        template {
          metadata {
            labels = local.sync_previous_labels
          }
          spec {
            restart_policy       = "OnFailure"
            service_account_name = kubernetes_service_account.hmrc_sync.metadata[0].name
            image_pull_secrets {
              name = "registry-credentials"
            }
            image_pull_secrets {
              name = "ghcr-credentials"
            }
            security_context {
              run_as_non_root = true
              run_as_user     = 10001
              run_as_group    = 10001
              seccomp_profile {
                type = "RuntimeDefault"
              }
            }

            container {
              name              = "sync"
              image             = local.image
              image_pull_policy = "Always"
              command           = ["python", "-m", "hmrc_sync", "sync", "--tax-year", "previous"]

              dynamic "env_from" {
                for_each = local.secret_env_sources
                content {
                  secret_ref {
                    name = env_from.value
                  }
                }
              }
              dynamic "env" {
                for_each = local.app_env
                content {
                  name  = env.key
                  value = env.value
                }
              }
              env {
                name  = "HMRC_SYNC_PUSHGATEWAY_URL"
                value = var.pushgateway_url
              }

              security_context {
                allow_privilege_escalation = false
                read_only_root_filesystem  = true
                capabilities {
                  drop = ["ALL"]
                }
              }
              volume_mount {
                name       = "tmp"
                mount_path = "/tmp"
              }

              resources {
                requests = {
                  cpu    = "50m"
                  memory = "128Mi"
                }
                limits = {
                  memory = "384Mi"
                }
              }
            }

            volume {
              name = "tmp"
              empty_dir {}
            }
          }
        }
      }
    }
  }
  lifecycle {
    # KYVERNO_LIFECYCLE_V1: Kyverno admission webhook mutates dns_config with ndots=2
    ignore_changes = [spec[0].job_template[0].spec[0].template[0].spec[0].dns_config]
  }
}
