"""The ops console: server-rendered pages over the services' HTTP APIs and metrics."""
