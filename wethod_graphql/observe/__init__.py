"""What the service tells about itself: metrics, traces and per-request records.

A layer of its own between `config`/`errors` and `upstream`, so the upstream
boundary can report each call without knowing about the server.
"""
