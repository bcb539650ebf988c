"""Tell a database that is down from one that refused a single query.

Every ``OperationalError`` used to be answered as an outage. The database also raises
it for a query it will not run (SQLite: a regular expression it cannot compile, an
expression tree too deep; PostgreSQL says ``DataError`` for the pattern), and a request
anyone can type must not raise a false alarm. The test is the honest one: ask the
database, over a fresh connection, for one row.
"""

import enum

from django.db import DEFAULT_DB_ALIAS, DatabaseError, DataError, connections

#: PostgreSQL SQLSTATEs of contention: the query was fine, another one was in the way.
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: SQLite's words for the same (a writer held the lock past the busy timeout).
BUSY_SQLITE_MESSAGES = ("database is locked", "database table is locked")


class DatabaseTrouble(enum.Enum):
    #: The database cannot be reached: an outage, answered 503.
    DOWN = "down"
    #: Reachable, but locked by other work: try again shortly, answered 503.
    BUSY = "busy"
    #: Reachable, and this request's query was refused: answered 400.
    REFUSED = "refused"


def sqlstate(error: BaseException) -> str | None:
    """Return the SQLSTATE of a PostgreSQL error Django wrapped, if there is one."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def database_answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Say whether the database answers ``SELECT 1`` on a connection of its own.

    A fresh connection: the request's own one may be broken by the error at hand.
    """
    probe = connections.create_connection(alias)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    finally:
        probe.close()
    return True


def classify(error: DatabaseError, alias: str = DEFAULT_DB_ALIAS) -> DatabaseTrouble:
    """Say what a database error that reached the 500 handler means for the visitor."""
    if isinstance(error, DataError):
        return DatabaseTrouble.REFUSED
    if not database_answers(alias):
        return DatabaseTrouble.DOWN
    message = str(error).lower()
    if sqlstate(error) in BUSY_SQLSTATES or any(
        words in message for words in BUSY_SQLITE_MESSAGES
    ):
        return DatabaseTrouble.BUSY
    return DatabaseTrouble.REFUSED
