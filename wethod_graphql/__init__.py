"""A GraphQL facade and federation subgraph over the Wethod REST API."""

__version__ = "0.1.0"
