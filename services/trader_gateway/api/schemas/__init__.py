"""Request and response bodies. Requests forbid unknown fields (no mass assignment) and
bound every number; responses say what the API promises and nothing more."""
