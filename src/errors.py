"""Errors a user can act on. Stages print their message (no traceback) and exit non-zero."""


class PipelineError(Exception):
    """Base class for errors that name the file, column and row/season at fault."""


class ConfigError(PipelineError, ValueError):
    """A params.yaml section is missing a key, has an unknown key or a bad value."""


class DataError(PipelineError, ValueError):
    """An input file is missing, malformed or inconsistent."""


class OutputError(PipelineError, OSError):
    """An output cannot be written where it goes (a read-only or missing folder, a full disk)."""
