"""Background jobs: long work (imports, linkage, batch screening, exports) run by a worker from a
database-backed queue, with progress a page can show."""
