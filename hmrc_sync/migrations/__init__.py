"""Alembic migrations, loaded as ``hmrc_sync:migrations`` (so they ship inside the wheel)."""
