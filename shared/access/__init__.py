"""Who is calling: API keys, the credentials every service verifies locally, callers' roles.

- ``keys``: issuing, parsing and verifying API keys (pure; hashes, never secrets, stored);
- ``store``: the ``credentials`` table each service keeps from ``credential.*`` events,
  and the subscription that keeps it;
- ``shared.http.auth``: the HTTP side, a ``Caller`` for every route.
"""
