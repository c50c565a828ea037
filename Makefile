# One entry point for people and CI. `make run` and `make test` set everything up first.
.PHONY: run test bootstrap lint typecheck unit integration e2e asyncapi infra-up infra-down

VENV := .venv/bin

bootstrap:
	@scripts/bootstrap

run: bootstrap
	$(VENV)/vault run

test: bootstrap lint typecheck
	$(VENV)/pytest -q

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck:
	$(VENV)/mypy shared services vault tests benchmarks

unit: bootstrap
	$(VENV)/pytest -q tests/unit

integration: bootstrap
	$(VENV)/pytest -q tests/integration

e2e: bootstrap
	$(VENV)/pytest -q tests/e2e

infra-up: bootstrap
	$(VENV)/vault infra up

infra-down:
	$(VENV)/vault infra down

asyncapi: bootstrap
	$(VENV)/vault asyncapi
