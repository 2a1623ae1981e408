"""The append-only, hash-chained audit log of every read and change of a child's personal data."""
