"""Credentials never leave the process: one redaction for every file written and every line printed.

A key can reach text in many ways: ``system.base_url=http://user:KEY@host/v1``
is stored in ``config.yaml``, ``overrides.yaml`` and the manifest's command
line, shown in ``report.md`` and ``report.html`` and copied to the Hub by
``publish``; a server may echo a key in an error; a model may repeat one.
Rather than scrubbing fields one by one, :func:`redact` is applied where text
leaves the process:

* every file written through :mod:`benchmark.common.atomic` (run folders,
  reports, predictions, leaderboards, exports);
* the folders ``publish`` stages before it uploads (:func:`redact_tree`),
  which also covers run folders written before this existed;
* every line the command line prints (:func:`redacting_output`).

What is replaced by ``[redacted]``:

* the userinfo of a URL (``scheme://user:pass@host`` → ``scheme://[redacted]@host``);
* the value of a URL query parameter whose name says it is a credential
  (``key``, ``api_key``, ``token``, ``secret``, ``password``, ``auth``,
  ``signature``, ``credential`` …);
* the value (at least :data:`MIN_SECRET_CHARS` characters long) of every
  environment variable named like a credential (``HF_TOKEN``,
  ``OPENAI_API_KEY``, ``*_TOKEN``, ``*_SECRET``, ``*_PASSWORD`` …) and of the
  variables registered with :func:`register_secret_env` (the llm system's
  ``system.api_key_env``), in the forms it takes in JSON, HTML, Markdown and URLs.

Examples
--------
>>> redact("base_url: http://user:sk-123@host:8000/v1?api_key=abc&model=m")
'base_url: http://[redacted]@host:8000/v1?api_key=[redacted]&model=m'
>>> import os
>>> os.environ["DOCTEST_TOKEN"] = "hf_abcdefghijkl"
>>> redact('{"echo": "hf_abcdefghijkl"}')
'{"echo": "[redacted]"}'
>>> del os.environ["DOCTEST_TOKEN"]
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

REDACTED = "[redacted]"

MIN_SECRET_CHARS = 8
"""Shorter environment values (``1``, ``true``) are not treated as secrets."""

SECRET_ENV = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN", "OPENAI_API_KEY")
"""Always treated as secrets (besides every name matching :data:`_SECRET_NAME`)."""

_SECRET_NAME = re.compile(r"(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)", re.IGNORECASE)
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@?#\"'<>\\]+@")
_QUERY = re.compile(
    r"(?P<lead>[?&;](?:amp;)?)(?P<name>[\w.\-]*(?:key|token|secret|passw(?:or)?d|pwd|auth|signature|credential)"
    r"[\w.\-]*)=(?P<value>[^&#\s\"'<>\\]+)", re.IGNORECASE)

_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")
"""Characters the Markdown writers escape with a backslash (``hf_x`` is written ``hf\\_x``)."""

_registered: set[str] = set()


def register_secret_env(name: str | None) -> None:
    """Treat the value of environment variable ``name`` as a secret from now on (any name)."""
    if name:
        _registered.add(name)


def secret_values() -> list[str]:
    """The secret values to replace, longest first, each also as JSON, HTML and URL escapes it."""
    names = set(SECRET_ENV) | _registered | {n for n in os.environ if _SECRET_NAME.search(n)}
    values = {os.environ[n] for n in names if len(os.environ.get(n, "")) >= MIN_SECRET_CHARS}
    forms = set()
    for v in values:
        forms.update({v, json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1], html.escape(v),
                      quote(v, safe=""), _MARKDOWN.sub(r"\\\1", v)})
    return sorted(forms, key=lambda f: (-len(f), f))


def redact(text: str) -> str:
    """``text`` with credentials replaced by ``[redacted]`` (see the module docstring)."""
    for value in secret_values():
        if value in text:
            text = text.replace(value, REDACTED)
    if "://" in text:
        text = _USERINFO.sub(lambda m: f"{m['scheme']}{REDACTED}@", text)
    if "=" in text:
        text = _QUERY.sub(lambda m: f"{m['lead']}{m['name']}={REDACTED}", text)
    return text


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact` of UTF-8 text; other bytes (Parquet, images) are returned unchanged."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    out = redact(text)
    return data if out == text else out.encode("utf-8")


def redact_tree(folder: Path | str) -> list[Path]:
    """Redact every text file under ``folder`` in place; return the files changed."""
    changed = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            out = redact_bytes(data)
            if out != data:
                path.write_bytes(out)
                changed.append(path)
    return changed


class _RedactingStream:
    """A text stream that redacts what is written to it, delegating everything else."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def redacting_output() -> Iterator[None]:
    """Redact everything printed to ``sys.stdout`` and ``sys.stderr`` inside the block."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _RedactingStream(sys.stdout), _RedactingStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
