"""A real Label Studio server for the ``labelstudio`` tests.

:func:`label_studio_server` starts ``label-studio start`` on a free loopback
port with a temporary data folder (``LABEL_STUDIO_BASE_DATA_DIR``), its
version check, analytics and error reporting off (tests stay offline), waits
for ``/health`` and stops the process group it started when the block ends,
also on failure. :func:`personal_access_token` logs in through the login form
and creates a personal access token, as a user does in "Account & Settings":
new organisations accept only those (legacy tokens are disabled).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STARTUP_TIMEOUT = 900.0
"""The first start migrates a new database: about two minutes on two cores."""
EMAIL, PASSWORD, LEGACY_TOKEN = "reviewer@example.org", "review-pass-123", "legacytoken0123456789"


@dataclass(frozen=True)
class Server:
    url: str
    log: Path


def label_studio_command() -> str | None:
    """The ``label-studio`` command: on PATH, or beside this Python (a venv not activated)."""
    beside = Path(sys.executable).parent / "label-studio"
    return shutil.which("label-studio") or (str(beside) if beside.is_file() else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as r:
            return b"UP" in r.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def label_studio_server(data_dir: Path):
    """A running server (its URL and log file); stopped when the block ends."""
    port = _free_port()
    env = dict(os.environ, LABEL_STUDIO_BASE_DATA_DIR=str(data_dir), LATEST_VERSION_CHECK="false",
               COLLECT_ANALYTICS="false", SENTRY_DSN="", FRONTEND_SENTRY_DSN="")
    log = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [label_studio_command(), "start", "--host", "127.0.0.1", "--port", str(port), "--no-browser",
             "--username", EMAIL, "--password", PASSWORD, "--user-token", LEGACY_TOKEN],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {proc.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"label-studio did not answer /health within {STARTUP_TIMEOUT:.0f} s; see {log}")
            time.sleep(2)  # polling an external process until it is ready, not timing a result
        yield Server(url, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group this fixture started, nothing else
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def personal_access_token(url: str) -> str:
    """Log in with the form and create a personal access token (a JWT refresh token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/user/login/", timeout=30) as r:
        form = r.read().decode("utf-8")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "email": EMAIL, "password": PASSWORD}).encode()
    opener.open(urllib.request.Request(url + "/user/login/", data=body, headers={"Referer": url + "/user/login/"}),
                timeout=30).read()
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    req = urllib.request.Request(url + "/api/token/", data=b"", method="POST",
                                 headers={"X-CSRFToken": cookie, "Referer": url + "/"})
    with opener.open(req, timeout=30) as r:
        import json

        return json.loads(r.read())["token"]
