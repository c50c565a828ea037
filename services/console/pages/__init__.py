"""The console's pages: one module of routes per page, rendered server-side (Jinja2),
charts drawn server-side as SVG (``charts``)."""
