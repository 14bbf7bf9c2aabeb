"""Persistence: SQLAlchemy 2 models, the engine, and migrations (in ``hmrc_sync.migrations``)."""
