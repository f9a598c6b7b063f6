"""Background jobs: work that must not wait for a web request (exports, mailings, upkeep).

Its own room because it belongs to no domain: it owns the queue (Huey), the worker process and the schedule, and
calls the domains' services the way the CLI does.
"""
