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


class NothingToRun(ConfigError):
    """The selected system supports none of the selected tasks."""


class ShardMergeError(InputError):
    """Shard folders cannot be joined into one run: incomplete, overlapping, or not from one run."""


class PublishError(BenchmarkError):
    """Publishing to the Hub failed (no token, no permission, repo not found, network)."""


class EndpointFailed(BenchmarkError):
    """Every request of a run failed and none was served from the cache: the endpoint is unusable."""


class HFDependencyError(ConfigError):
    """``torch`` or ``transformers`` is missing or cannot be imported."""


class UnparseableAnswer(BenchmarkError, ValueError):
    """A model's answer holds no usable JSON; ``snippet`` is its first ``snippet_chars`` characters.

    >>> str(UnparseableAnswer("no json here", "no object"))
    "unparseable: no object: 'no json here'"
    """

    def __init__(self, text: str, detail: str = "", *, snippet_chars: int = 200) -> None:
        self.snippet = text[:snippet_chars]
        self.detail = detail
        super().__init__(f"unparseable{': ' + detail if detail else ''}: {self.snippet!r}")


class TransientRequestError(Exception):
    """A model request failed in a way worth retrying (429, 5xx, a dropped connection).

    Internal to the llm client's retry loop; never reaches a user.
    """

    def __init__(self, kind: str, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.retry_after = kind, reason, retry_after


class RequestFailed(Exception):
    """A model request failed for good (a 4xx, or retries exhausted); recorded, never raised to a user."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def exit_status(exc: BaseException) -> tuple[int, str | None]:
    """The exit code for ``exc`` and the one line to print (``None``: print nothing).

    The command line's only mapping from exceptions to exit codes: a
    :class:`BenchmarkError` is the user's to fix (its own code, 2); so is an
    :class:`OSError` on a path they gave; Ctrl-C is 130; a closed pipe
    (output into ``head``) is not an error.  Anything else is a bug and is
    re-raised by the caller with its traceback.

    >>> exit_status(InputError("bad", file="p.jsonl", line=2))
    (2, 'error: p.jsonl:2: bad')
    >>> exit_status(FileNotFoundError(2, "No such file or directory", "x.jsonl"))
    (2, 'error: x.jsonl: No such file or directory')
    >>> exit_status(KeyboardInterrupt())
    (130, 'interrupted')
    >>> exit_status(ValueError("bug"))
    (1, None)
    """
    if isinstance(exc, BenchmarkError):
        return exc.exit_code, f"error: {exc}"
    if isinstance(exc, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(exc, BrokenPipeError):
        return 0, None
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return 2, f"error: {where}{exc.strerror or exc}"
    return 1, None
