"""Versioned prompt templates, stored as files under ``benchmark/systems/llm/prompts/<version>/``.

A version is a folder holding one YAML file per task (``speakers``,
``quotes``, ``attribution``, ``stance``, ``translation``), each with a
``system`` and a ``user`` message, plus shared Markdown snippets that the
templates include by name (``${arabic_notes}`` inserts ``arabic_notes.md``).
Placeholders use :class:`string.Template` syntax (``${article}``) because
the templates are full of JSON braces that ``str.format`` would trip over.

A prompt version is never edited once results were published with it: a
change makes a new folder (``v2``).  The SHA-256 over every file of the
folder goes into the system's signature and the run manifest, so an edit
that forgot to bump the version still shows.

Examples
--------
>>> prompts = load_prompts("v1")
>>> prompts.version, len(prompts.sha256), sorted(prompts.templates)
('v1', 64, ['attribution', 'quotes', 'speakers', 'stance', 'translation'])
>>> msgs = prompts.render("translation", items='[{"segment_id": "s01", "text": "قال الوزير."}]')
>>> [m["role"] for m in msgs]
['system', 'user']
>>> load_prompts("v11")
Traceback (most recent call last):
...
benchmark.errors.UnknownNameError: Unknown prompt version 'v11'. Did you mean 'v1'? Available: v1
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from benchmark.errors import ConfigError, UnknownNameError
from benchmark.common.registry import unknown_name_message

PROMPTS_ROOT = Path(__file__).resolve().parent / "prompts"
"""Where the packaged prompt versions live (``benchmark/systems/llm/prompts``)."""

PROMPT_TASKS = ("speakers", "quotes", "attribution", "stance", "translation")
"""One template per prompt task; ``quotes`` serves the ``quotes`` and ``end2end`` benchmark tasks."""

_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class PromptTemplate:
    """The two messages of one task, with ``${name}`` placeholders."""

    task: str
    system: str
    user: str
    file: str
    """File the template was read from (for error messages)."""

    def render(self, **fields: str) -> list[dict[str, str]]:
        """Chat messages with every placeholder filled; a missing field raises."""
        out = []
        for role, text in (("system", self.system), ("user", self.user)):
            try:
                out.append({"role": role, "content": string.Template(text).substitute(fields)})
            except KeyError as exc:
                raise ConfigError(f"template needs a value for ${{{exc.args[0]}}}; given: "
                                  f"{', '.join(sorted(fields)) or 'nothing'}", file=self.file, field=role) from None
            except ValueError as exc:  # a stray "$" not followed by a name
                raise ConfigError(f"invalid placeholder: {exc}", file=self.file, field=role) from None
        return out


@dataclass(frozen=True)
class PromptSet:
    """Every template of one prompt version."""

    version: str
    sha256: str
    """Hash over the names and bytes of every file in the version folder."""
    templates: Mapping[str, PromptTemplate]

    def render(self, task: str, **fields: str) -> list[dict[str, str]]:
        """Messages for ``task`` (a :data:`PROMPT_TASKS` name)."""
        return self.templates[task].render(**fields)


def available_versions(root: Path = PROMPTS_ROOT) -> list[str]:
    """Prompt versions present under ``root`` (folder names)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _VERSION_RE.match(p.name))


def folder_sha256(folder: Path) -> str:
    """SHA-256 over ``name NUL bytes NUL`` of every file, in sorted name order."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def load_prompts(version: str, *, root: Path = PROMPTS_ROOT) -> PromptSet:
    """Read prompt ``version`` from ``root``; shared snippets are included here.

    Only folder names are accepted (no paths), so a config value can never
    read a file outside ``root``.
    """
    versions = available_versions(root)
    if not _VERSION_RE.match(str(version)) or version not in versions:
        raise UnknownNameError(unknown_name_message("prompt version", version, versions))
    folder = root / version
    # "$" in a snippet is escaped so that rendering leaves it alone.
    snippets = {p.stem: p.read_text(encoding="utf-8").strip().replace("$", "$$") for p in sorted(folder.glob("*.md"))}
    templates = {}
    for task in PROMPT_TASKS:
        path = folder / f"{task}.yaml"
        if not path.is_file():
            raise ConfigError(f"prompt version {version!r} has no template for task {task!r}", file=str(path))
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("system"), str) or not isinstance(data.get("user"), str):
            raise ConfigError("expected a mapping with string keys 'system' and 'user'", file=str(path))
        # Snippets are filled now (safe_substitute keeps the per-call fields).
        system = string.Template(data["system"]).safe_substitute(snippets)
        user = string.Template(data["user"]).safe_substitute(snippets)
        templates[task] = PromptTemplate(task=task, system=system.strip() + "\n", user=user.strip() + "\n", file=str(path))
    return PromptSet(version=version, sha256=folder_sha256(folder), templates=templates)
