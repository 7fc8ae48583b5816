"""The project's exception hierarchy.

Library code raises these; only the command-line layer (:mod:`benchmark.cli.main`)
turns them into a one-line message and exit code 2, never a traceback.

Examples
--------
>>> err = InputError("offset out of range", file="p.jsonl", line=3, field="quotes[0].content[0]")
>>> str(err)
'p.jsonl:3: quotes[0].content[0]: offset out of range'
"""

from __future__ import annotations


class BenchmarkError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        if self.field:
            where += f"{self.field}: "
        return where + self.message


class InputError(BenchmarkError):
    """A user-supplied file (predictions, config) is malformed."""


class GoldDataError(BenchmarkError):
    """The gold data fails validation."""


class UnknownNameError(BenchmarkError):
    """A registry lookup used a name that is not registered."""


class ConfigError(BenchmarkError):
    """A configuration value is invalid."""


class ServiceError(BenchmarkError):
    """A server the project talks to (Label Studio) refused or failed a request."""
