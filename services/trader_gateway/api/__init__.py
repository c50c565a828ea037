"""The gateway's HTTP API (FastAPI): thin routes over the handlers, one router per resource."""
