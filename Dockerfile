# One image for the four services; each container runs `python -m services.<name>`.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY shared ./shared
COPY services ./services
COPY vault ./vault
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH" VAULT_HTTP_HOST=0.0.0.0 VAULT_LOG_FORMAT=json
RUN useradd --system --uid 10001 vault
USER vault
