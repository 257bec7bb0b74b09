"""The throwaway PostgreSQL cluster of the tests: territorial/harness/postgres.py (the
benchmarks start one too, and they do not import the tests)."""

from territorial.harness.postgres import MISSING, create_database, postgres_cluster

__all__ = ["MISSING", "create_database", "postgres_cluster"]
