"""A small headless-Chromium driver for the browser tests, over the DevTools protocol.

Chromium is started with ``--remote-debugging-pipe``: it reads protocol
messages (JSON, each ending in a NUL byte) on file descriptor 3 and writes
answers and events on descriptor 4, so no port is opened and no websocket
library is needed.  Everything is offline and bounded by timeouts.

:func:`axe_source` fetches axe-core from the npm registry with ``npm pack``
(into a temporary folder; the npm cache makes later runs fast) unless
``AXE_CORE_JS`` names a local ``axe.min.js``.  Nothing is committed.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--font-render-hinting=none"]
TIMEOUT = 30.0
AXE_PACKAGE = "axe-core@4"
"""axe-core's major version the tests run (rules and impacts are stable within a major)."""


class BrowserError(RuntimeError):
    """Chromium did not answer in time, or answered with an error."""


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, profile: Path, *, width: int, height: int) -> None:
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()
        # Move the child's ends above 4 first, so placing them on 3 and 4 cannot overwrite one another.
        to_child, from_child = (self._high(fd) for fd in (to_child, from_child))

        def fds() -> None:  # in the child: the pipe ends become descriptors 3 and 4
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.proc = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=fds,
            close_fds=False)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.resize(width, height)

    @staticmethod
    def _high(fd: int) -> int:
        import fcntl

        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    # ------------------------------------------------------------------ protocol
    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._write, data):]

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe: " + self.proc.stderr.read(4000).decode("utf-8", "replace"))
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, *, session: bool = False, timeout: float = TIMEOUT, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events meanwhile are kept in :attr:`events`)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_event(self, method: str, *, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first (already received or next) event named ``method``."""
        deadline = time.monotonic() + timeout
        while True:
            for n, ev in enumerate(self.events):
                if ev.get("method") == method:
                    return self.events.pop(n)
            self.events.append(self._receive(deadline))

    # ------------------------------------------------------------------ page
    def resize(self, width: int, height: int) -> None:
        """Emulate a screen ``width`` CSS pixels wide (a phone below 600: mobile viewport rules apply)."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)

    def open(self, url: str) -> None:
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str, *, timeout: float = TIMEOUT) -> Any:
        """Evaluate ``expression`` in the page (promises awaited) and return its value."""
        res = self.call("Runtime.evaluate", session=True, timeout=timeout, expression=expression,
                        returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression[:80]}…: {res['exceptionDetails']}")
        return res["result"].get("value")

    def key(self, key: str) -> None:
        """Press and release one key (``Tab``, ``Enter``, ``" "``, ``Escape``, ``Shift+Tab``)."""
        shift = key.startswith("Shift+")
        key = key.removeprefix("Shift+")
        code, vk = {"Tab": ("Tab", 9), "Enter": ("Enter", 13), " ": ("Space", 32), "Escape": ("Escape", 27)}[key]
        params = {"key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": 8 if shift else 0}
        text = {"Enter": "\r", " ": " "}.get(key)
        self.call("Input.dispatchKeyEvent", session=True, type="keyDown", **params, **({"text": text} if text else {}))
        self.call("Input.dispatchKeyEvent", session=True, type="keyUp", **params)

    def screenshot(self, path: Path, *, width: int, max_height: int = 6000, full: bool = True) -> None:
        """A PNG of the whole page (up to ``max_height`` pixels) at ``width``, or of the screen only."""
        import base64

        if full:
            height = min(max_height, int(self.js("Math.ceil(document.documentElement.scrollHeight)")))
            self.resize(width, height)
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def console_problems(browser: Browser) -> list[str]:
    """Console errors, warnings and uncaught exceptions seen so far."""
    out = []
    for ev in browser.events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            out.append(str(params.get("exceptionDetails", {}).get("text")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            out.append(json.dumps(params.get("args"))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(str(params["entry"].get("text")))
    return out


def axe_source(folder: Path) -> str | None:
    """The text of ``axe.min.js``: from ``AXE_CORE_JS``, else ``npm pack`` into ``folder``; ``None`` if impossible."""
    local = os.environ.get("AXE_CORE_JS")
    if local and Path(local).is_file():
        return Path(local).read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    try:
        res = subprocess.run([npm, "pack", AXE_PACKAGE, "--pack-destination", str(folder), "--silent"],
                             cwd=folder, capture_output=True, text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired:
        return None
    tarballs = sorted(folder.glob("axe-core-*.tgz"))
    if res.returncode != 0 or not tarballs:
        return None
    with tarfile.open(tarballs[-1]) as tar:
        member = tar.extractfile("package/axe.min.js")
        return member.read().decode("utf-8") if member else None


def run_axe(browser: Browser, source: str) -> list[dict[str, Any]]:
    """axe-core's violations on the open page: ``{id, impact, help, targets}`` each."""
    browser.js(source + "\n;true")
    return browser.js(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))",
        timeout=120)
