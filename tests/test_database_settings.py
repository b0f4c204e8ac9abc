"""How CareHub's database connections are set up."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's JIT; SQLite has none"
)
def test_postgresql_connections_do_not_jit_compile_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
