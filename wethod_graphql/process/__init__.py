"""Running an ASGI app as a well-behaved command under uvicorn.

Shared by `wethod-graphql serve` and the demo API's server: a listening
socket bound up front (one line, not a traceback, when it cannot be), exit
status 0 for a requested stop (SIGTERM or SIGINT), and HTTP connections that
cannot be held open forever. Imports nothing else of the package.
"""
