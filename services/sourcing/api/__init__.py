"""Sourcing's HTTP API: one module of routes per resource, their schemas beside them."""
