"""Shared state across requests, workers and replicas: in process or in Redis."""
