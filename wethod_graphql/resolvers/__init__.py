"""How fields get their data: per-request context, loaders and look-ahead."""
