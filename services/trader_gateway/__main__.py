"""``python -m services.trader_gateway``: the traders' API, the leg consumer, health and metrics."""

from services.trader_gateway.app import create_api, create_service

if __name__ == "__main__":
    service = create_service()
    service.run(create_api(service))
