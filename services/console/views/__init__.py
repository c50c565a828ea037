"""The console's read side: the services' HTTP APIs and /metrics, and the dead-letter topics.

The console's views.py, as a package: it reads more sources than one module should hold.
"""
