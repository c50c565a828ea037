"""The gateway's SQL: plain parameterised statements, one module per table family."""
