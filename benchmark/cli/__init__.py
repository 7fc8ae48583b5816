"""The command line: ``python -m benchmark <command>``.

Takes the user's arguments and hands them to the stage that does the work;
it is the only layer that prints and turns errors into exit codes.
:mod:`.main` parses and dispatches, :mod:`.run` is the Hydra app behind
``run``, :mod:`.commands` holds the small commands.
"""

from benchmark.cli.main import main

__all__ = ["main"]
