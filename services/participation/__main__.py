"""``python -m services.participation``: consumers, pacing, HTTP API until SIGTERM."""

from services.participation.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
