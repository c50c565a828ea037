"""The gateway's write-side SQL: one module per table family, set-based statements."""
