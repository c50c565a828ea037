"""The gateway's HTTP API: one module of routes per resource (legs, fills, offers, admin)."""
