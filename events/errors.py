"""Domain errors. Only the CLI turns these into exit codes and messages."""


class EventsError(Exception):
    """Base class for every error a user can act on."""


class DatabaseError(EventsError):
    """The database cannot be opened or is not in the state the program needs."""


class SchemaOutOfDate(DatabaseError):
    """The database is behind (or ahead of) the program's migration head."""


class ReadOnlyViolation(EventsError):
    """A query tried to change the database through a read-only command."""


class QueryError(EventsError):
    """A query failed (syntax error, unknown column, timeout ...)."""


class InputError(EventsError):
    """An input file or line cannot be ingested (empty, binary, too large ...)."""


class StageError(EventsError):
    """A pipeline stage failed on one document."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"stage {stage!r} failed: {message}")
        self.stage = stage


class SeedError(EventsError):
    """A seed dictionary is missing, empty or malformed."""
