"""``python -m services.trader_gateway``: the gateway service and its API on VAULT_HTTP_PORT."""

from services.trader_gateway.app import create_api, create_service


def main() -> None:
    service = create_service()
    service.run(create_api(service))


if __name__ == "__main__":
    main()
