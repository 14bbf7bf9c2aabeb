"""The CLI's commands, one module per concern; ``hmrc_sync.cli`` assembles them."""
