"""Numbered SQL migrations of the trader gateway, applied in order by ``shared.db.migrate``."""
