"""Places: the administrative hierarchy (levels are data), schools and service providers."""
