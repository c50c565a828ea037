"""``python -m services.access``: principals, their keys, health and metrics until SIGTERM."""

from services.access.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
