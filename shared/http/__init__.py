"""One HTTP toolkit for every service's API, beside the one Kafka toolkit.

- ``app.create_api``: a FastAPI app with the shared error shape, limits and JSON rules,
  OpenAPI at ``/v1/openapi.json`` and docs at ``/docs`` in every service;
- ``problems``: RFC 9457 problem details, the one shape of every error answer;
- ``json``: request bodies read with exact decimals; decimals written as text;
- ``middleware``: body cap (413), time limit (504), a last-resort guard (500, no trace);
- ``text``: what no column can hold (NUL, lone surrogates, integers past int64), refused
  naming where it was (400 in the URL, 422 in a body);
- ``paging``: opaque keyset cursors bound to their listing;
- ``context``: the service's dependencies handed to routes, and the clock.
Routes open a unit of work with ``async with ctx.service.transaction() as conn:``:
the same transaction the Kafka side gives its handlers, committed before answering.
"""
