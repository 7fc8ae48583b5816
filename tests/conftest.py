"""Shared test settings.

Hypothesis runs its default 200 examples per property here; the mutation
run (``mutmut``, docs/MUTATION.md) loads the lighter ``mutation`` profile
through ``--hypothesis-profile=mutation``, since it runs the covering tests
once per mutant.
"""

from hypothesis import settings

settings.register_profile("default", max_examples=200)
settings.register_profile("mutation", max_examples=25)
settings.load_profile("default")
