"""One router per concern: ``oauth`` (owner grant flow), ``sync`` (webhook), ``ops`` (health)."""
