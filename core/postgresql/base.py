"""Django's PostgreSQL backend with a health check that costs no round trip while the connection
is busy.

With persistent connections (`CONN_MAX_AGE`) and `CONN_HEALTH_CHECKS`, Django checks a kept
connection at the first query of each request by sending `SELECT 1`: a round trip on every
request of every page, ~1 of an autosave's 7 (bench/README.md). A connection the server has
ended (a restart, `pg_terminate_backend`, an idle timeout) has something to read on its socket
while it stands idle between requests: the server's last message or the end of the stream. So
a connection that served a request less than IDLE_SECONDS ago is checked by its socket, without
waiting: nothing to read, and psycopg neither closed nor broken, means it is as the last request
left it; anything to read, and the `SELECT 1` of Django's check decides (a notice the server
sent in between costs that one round trip, nothing more). A connection idle for longer is asked
with `SELECT 1` as before: a peer that vanished without closing (a host that crashed, a network
that dropped the idle flow) leaves nothing to read, and the round trip finds it."""

import select
import time

from django.db.backends.postgresql import base
from psycopg import pq

IDLE_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    checked_at = 0.0  # time.monotonic() of the last request's check (its first query)
    idle = float("inf")  # seconds between that check and the one before

    def close_if_health_check_failed(self):
        now = time.monotonic()
        self.idle, self.checked_at = now - self.checked_at, now
        super().close_if_health_check_failed()

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if (
            self.idle > IDLE_SECONDS
            or connection.info.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            readable = poller.poll(0)
        except (OSError, ValueError):
            return super().is_usable()
        return super().is_usable() if readable else True
