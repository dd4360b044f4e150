"""QgsTask helpers for background work that is not a Processing run."""
