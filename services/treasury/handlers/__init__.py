"""Treasury\x27s use cases."""
