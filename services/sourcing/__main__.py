"""``python -m services.sourcing``: the sourcing service with its read API."""

from services.sourcing.app import create_api, create_service


def main() -> None:
    service = create_service()
    service.run(create_api(service))


if __name__ == "__main__":
    main()
