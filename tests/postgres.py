"""The throwaway PostgreSQL cluster of the tests: territorial/harness/postgres.py (the
benchmarks start one too, and they do not import the tests).

A test that needs the server is marked ``postgres`` (the fast loop leaves them out): through the
``postgres_server`` fixture (marked by tests/conftest.py), through a fixture parametrised by
:data:`BACKENDS` or :data:`POSTGRESQL`, or by hand when it starts a cluster of its own.
"""

import pytest

from territorial.harness.postgres import MISSING, create_database, postgres_cluster

#: The PostgreSQL parameter of a storage fixture, marked ``postgres``.
POSTGRESQL = pytest.param("postgresql", marks=pytest.mark.postgres)
#: Both storage backends, for ``@pytest.fixture(params=BACKENDS)``.
BACKENDS = ["sqlite", POSTGRESQL]

__all__ = ["BACKENDS", "MISSING", "POSTGRESQL", "create_database", "postgres_cluster"]
