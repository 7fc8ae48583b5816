"""Every `python -m benchmark` command of docs/ANNOTATION.md and of the README's
review section parses with the real command line (placeholders filled in);
the commands themselves run in tests/test_annotate.py and tests/test_labelstudio.py."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from benchmark.cli.main import _parser

REPO = Path(__file__).resolve().parents[1]


def _commands(text: str) -> list[str]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                part = part.split("  #")[0].strip()
                if part.startswith("python -m benchmark "):
                    out.append(part)
    return out


def _filled(command: str) -> list[str]:
    command = re.sub(r"<[^>]+>", "1", command).replace("…", "x")
    return shlex.split(command)[3:]


README = (REPO / "README.md").read_text(encoding="utf-8")
REVIEW = README.split("## Reviewing the gold and adding articles")[1].split("\n## ")[0]
DOCS = (REPO / "docs" / "ANNOTATION.md").read_text(encoding="utf-8")
COMMANDS = _commands(REVIEW) + _commands(DOCS)


def test_the_pages_have_commands():
    assert len(_commands(REVIEW)) == 7 and len(_commands(DOCS)) >= 12


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_parses(command):
    args = _parser().parse_args(_filled(command))
    assert args.command in {"annotate", "add-article", "agreement", "check-data", "run", "leaderboard"}
