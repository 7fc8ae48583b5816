"""How the command line reports a failure: one line on stderr and an exit code.

The mapping itself is :func:`benchmark.errors.exit_status`; this module only
prints, so every command (and the Hydra app behind ``run``) ends the same way.
"""

from __future__ import annotations

import os
import sys

from benchmark.errors import exit_status


def report_error(exc: BaseException) -> int:
    """Print ``exc`` as the command line does and return its exit code.

    A closed pipe (output into ``head``) is silent: stdout is pointed at
    ``/dev/null`` so Python's own flush at exit does not fail again.
    """
    code, line = exit_status(exc)
    if isinstance(exc, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if line:
        print(line, file=sys.stderr)
    return code
