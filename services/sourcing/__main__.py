"""``python -m services.sourcing``: consumers, the sweep, the read API, health and metrics."""

from services.sourcing.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
