"""access: who may call Vault's HTTP APIs (manufacturers, ops users, service clients)."""
