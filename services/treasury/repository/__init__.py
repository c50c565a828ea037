"""Treasury\x27s write-side SQL, one module per table."""
