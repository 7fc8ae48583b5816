"""Uploading a built folder as one atomic commit, and failures in one line.

Each repo gets exactly one ``HfApi.create_commit`` holding a
``CommitOperationAdd`` for every file of its built folder: the commit lands
whole or not at all, so a failed upload leaves that repo unchanged.  The
token comes from ``huggingface_hub.get_token()`` (the ``HF_TOKEN`` variable,
then the login cache) and is only ever handed to ``HfApi``; every message
that could quote a server response is scrubbed of it.

Examples
--------
>>> scrub("bad token hf_abc in header", "hf_abc")
'bad token *** in header'
>>> class E(Exception):
...     pass
>>> err = E("403 Forbidden"); err.response = type("R", (), {"status_code": 403})()
>>> failure_reason(err, repo_id="org/q")
'no permission to write to org/q (HTTP 403): use a token with write access to it'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import PublishError




@dataclass(frozen=True)
class FileEntry:
    """One file of a built folder, as it will appear in the repo."""

    path_in_repo: str
    size: int
    sha256: str


@dataclass(frozen=True)
class CommitRecord:
    """What one successful commit returned."""

    commit_sha: str
    commit_url: str
    repo_url: str


def list_files(folder: Path) -> tuple[FileEntry, ...]:
    """Every file under ``folder`` (POSIX paths relative to it, sorted)."""
    folder = Path(folder)
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            out.append(FileEntry(p.relative_to(folder).as_posix(), len(data), hashlib.sha256(data).hexdigest()))
    return tuple(out)


def resolve_token() -> str | None:
    """The Hub token from ``HF_TOKEN`` or the login cache, or ``None``."""
    import huggingface_hub

    return huggingface_hub.get_token() or None


def scrub(text: str, token: str | None) -> str:
    """``text`` with every occurrence of ``token`` replaced by ``***``."""
    return text.replace(token, "***") if token else text


def check_token_absent(folder: Path, token: str | None) -> None:
    """Refuse to publish a folder in which some file contains the token's bytes."""
    if not token:
        return
    needle = token.encode("utf-8")
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file() and needle in p.read_bytes():
            raise PublishError("this file contains the Hub token; remove it before publishing", file=str(p))


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _is_network_error(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    # httpx / requests transport errors (huggingface_hub's HTTP client varies by version).
    names = {c.__name__ for c in type(exc).__mro__}
    return bool(names & {"TransportError", "NetworkError", "ConnectError", "TimeoutException", "ConnectionError",
                         "Timeout", "ProxyError"})


def failure_reason(exc: BaseException, *, repo_id: str) -> str | None:
    """One line saying why a Hub call failed, or ``None`` for an unexpected error (a bug)."""
    try:
        from huggingface_hub.errors import RepositoryNotFoundError
    except ImportError:  # huggingface_hub < 0.23
        from huggingface_hub.utils import RepositoryNotFoundError
    status = _status(exc)
    # Checked before the status: the Hub answers 401 for a repo the token cannot see.
    if isinstance(exc, RepositoryNotFoundError) or status == 404:
        return f"repo not found: {repo_id} does not exist or the token cannot see it"
    if status == 401:
        return f"no permission: the Hub rejected the token (HTTP 401) for {repo_id}; log in again or set HF_TOKEN"
    if status == 403:
        return f"no permission to write to {repo_id} (HTTP 403): use a token with write access to it"
    if type(exc).__name__ == "OfflineModeIsEnabled":
        return "network error: HF_HUB_OFFLINE is set, so nothing can be uploaded (unset it or use hub.dry_run=true)"
    if status is not None:
        server = getattr(exc, "server_message", None) or str(exc)
        first = (server.strip().splitlines() or [""])[0][:200]
        return f"the Hub refused the upload to {repo_id} (HTTP {status}): {first}"
    if _is_network_error(exc):
        return f"network error while uploading to {repo_id} ({type(exc).__name__}); check the connection and retry"
    return None


def make_client(token: str) -> Any:
    """An ``HfApi`` holding the token (imported here so tests can replace ``huggingface_hub.HfApi``)."""
    import huggingface_hub

    return huggingface_hub.HfApi(token=token)


def commit_folder(api: Any, *, repo_id: str, folder: Path, files: tuple[FileEntry, ...], private: bool,
                  commit_message: str, token: str) -> CommitRecord:
    """Create the dataset repo if needed, then upload ``files`` in one commit.

    Raises :class:`PublishError` with a one-line reason on any Hub failure.
    """
    from huggingface_hub import CommitOperationAdd

    operations = [CommitOperationAdd(path_in_repo=f.path_in_repo, path_or_fileobj=str(Path(folder) / f.path_in_repo))
                  for f in files]
    try:
        repo_url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        info = api.create_commit(repo_id, operations, commit_message=commit_message, repo_type="dataset")
    except Exception as exc:  # every Hub failure becomes one line; anything else is a bug
        reason = failure_reason(exc, repo_id=repo_id)
        if reason is None:
            raise
        raise PublishError(scrub(reason, token)) from None
    url = str(getattr(repo_url, "url", None) or repo_url)
    return CommitRecord(commit_sha=str(info.oid), commit_url=str(info.commit_url), repo_url=url)
