"""``python -m services.console``: the ops console's pages, health and metrics until SIGTERM."""

from services.console.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
