"""Import a library without the optional packages it would pull in for nothing.

scikit-learn, on import, tries ``import pandas`` (``sklearn.utils.fixes``)
only to have it at hand for DataFrame input, and pandas brings pyarrow:
together about 0.3 s of the default run's start-up, for input this project
never passes (it hands scikit-learn lists and NumPy arrays).  Inside
:func:`without_modules` such an import fails as if the package were not
installed, which is the case scikit-learn is written for; afterwards the
names are free again, so a later ``import pandas`` (a test, the ``publish``
command) works as usual.  scikit-learn's own DataFrame checks look pandas up
in ``sys.modules`` at call time, so they keep working once pandas is imported.

Examples
--------
>>> import sys
>>> with without_modules("json_not_a_module_xyz"):
...     try:
...         import json_not_a_module_xyz
...     except ImportError:
...         print("looks uninstalled")
looks uninstalled
>>> "json_not_a_module_xyz" in sys.modules
False
>>> with without_modules("sys"):  # already imported: left alone
...     import sys as again
>>> again is sys
True
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_modules(*names: str) -> Iterator[None]:
    """Within the block, ``import name`` raises ImportError for each of ``names`` not imported yet.

    A ``None`` entry in ``sys.modules`` is Python's documented way of making
    an import fail.  Names already imported are not touched.  Not for use
    while another thread may import the same names (the run imports on its
    main thread).
    """
    absent = [name for name in names if name not in sys.modules]
    for name in absent:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in absent:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
