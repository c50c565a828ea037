"""``python -m services.treasury``: what it learns, its HTTP API, health and metrics until SIGTERM."""

from services.treasury.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
