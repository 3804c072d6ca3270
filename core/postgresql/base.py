"""Django's PostgreSQL backend with a health check that costs no round trip.

With persistent connections (`CONN_MAX_AGE`) and `CONN_HEALTH_CHECKS`, Django checks a kept
connection at the first query of each request by sending `SELECT 1`: a round trip on every
request of every page, ~1 of an autosave's 7 (bench/README.md). A connection the server has
ended (a restart, `pg_terminate_backend`, an idle timeout) has something to read on its socket
while it stands idle between requests: the server's last message or the end of the stream. So
the check looks at the socket first, without waiting: nothing to read, and psycopg neither
closed nor broken, means the connection is as the last request left it; anything to read, and
the `SELECT 1` of Django's check decides as before (a notice the server sent in between costs
that one round trip, nothing more)."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _w, _x = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True
