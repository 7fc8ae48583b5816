"""A small Label Studio client over its HTTP API (standard library only).

Authentication follows Label Studio's "Access tokens" guide. A **personal
access token** (a JWT refresh token, the default for new organisations) is
exchanged at ``/api/token/refresh/`` for a short-lived access token sent as
``Authorization: Bearer …`` and refreshed when it expires; a **legacy token**
(organisations that enabled them) is sent as ``Authorization: Token …``. The
token is read from the environment by the command line and never written or
printed.

Examples
--------
>>> is_jwt("eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln"), is_jwt("0123456789abcdef")
(True, False)
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from benchmark.errors import ServiceError

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
"""Environment variable holding the token (as label-studio-sdk reads it)."""
URL_ENV = "LABEL_STUDIO_URL"
_JWT = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]+")


def is_jwt(token: str) -> bool:
    """Whether ``token`` is a JSON Web Token (a personal access token) rather than a legacy token."""
    return bool(_JWT.fullmatch(token.strip()))


class LabelStudio:
    """The endpoints a review needs: projects, task import, export, annotations."""

    def __init__(self, url: str, token: str, *, timeout: float = 120.0) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ServiceError(f"not an http(s) URL: {url!r}")
        self.url, self.timeout = url.rstrip("/"), timeout
        self._token, self._access = token.strip(), None
        if not self._token:
            raise ServiceError(f"no Label Studio token: set {TOKEN_ENV} (Account & Settings → Personal Access Token)")

    def _auth(self, *, renew: bool = False) -> str:
        if not is_jwt(self._token):
            return f"Token {self._token}"
        if self._access is None or renew:
            answer = self._send("POST", "/api/token/refresh/", {"refresh": self._token}, auth=None)
            self._access = answer.get("access") if isinstance(answer, dict) else None
            if not self._access:
                raise ServiceError("the personal access token was not accepted (no access token returned)")
        return f"Bearer {self._access}"

    def _send(self, method: str, path: str, body: Any = None, *, auth: str | None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth is not None:
            req.add_header("Authorization", auth)
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - the URL is checked above
            raw = resp.read()
        return json.loads(raw) if raw else None

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One API call; a 401 with a personal access token renews the access token once."""
        try:
            try:
                return self._send(method, path, body, auth=self._auth())
            except urllib.error.HTTPError as exc:
                if exc.code != 401 or not is_jwt(self._token):
                    raise
                return self._send(method, path, body, auth=self._auth(renew=True))
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise ServiceError(f"Label Studio answered {exc.code} to {method} {path}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise ServiceError(f"cannot reach Label Studio at {self.url}: {getattr(exc, 'reason', exc)}") from None

    def create_project(self, *, title: str, label_config: str) -> int:
        """A new project with our labeling configuration; returns its id."""
        return int(self.request("POST", "/api/projects", {"title": title, "label_config": label_config})["id"])

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> int:
        """Import tasks (with their pre-annotations); returns how many were created."""
        answer = self.request("POST", f"/api/projects/{project}/import", tasks)
        return int(answer.get("task_count", 0))

    def task_ids(self, project: int) -> list[int]:
        """Ids of the project's tasks, in creation order."""
        ids, page = [], 1
        while True:
            answer = self.request("GET", f"/api/tasks?project={project}&page={page}&page_size=100&fields=all")
            tasks = answer.get("tasks", []) if isinstance(answer, dict) else answer
            ids += [int(t["id"]) for t in tasks]
            if isinstance(answer, dict) and len(ids) < int(answer.get("total", 0)) and tasks:
                page += 1
                continue
            return sorted(ids)

    def annotate(self, task: int, result: list[dict[str, Any]]) -> int:
        """Submit an annotation (as a reviewer would); returns its id."""
        return int(self.request("POST", f"/api/tasks/{task}/annotations", {"result": result})["id"])

    def export(self, project: int) -> list[dict[str, Any]]:
        """The project in Label Studio's JSON export format (every task)."""
        return self.request("GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
