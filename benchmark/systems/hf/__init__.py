"""The ``hf`` system: Hugging Face ``transformers`` models run on this machine.

Three independent models, each optional (``None`` disables its task):

* ``model`` — a sequence-to-sequence translation model (MarianMT, NLLB,
  M2M100, mBART-50 …) run with ``model.generate`` on every gold segment and
  on every gold quote's content as an item of its own (task ``translation``);
* ``ner_model`` — a token-classification (NER) model whose PER/ORG mentions
  are the predicted speaker mentions (task ``speakers``);
* ``zero_shot_model`` — an NLI model used as a zero-shot classifier over the
  gold (quote, target) pairs, with one hypothesis per stance label (task
  ``stance``).

``torch`` and ``transformers`` are optional dependencies (``pip install -e
'.[hf]'``); they are imported only when an ``hf`` system is built, never when
:mod:`benchmark.systems` is imported.  Each model is a Hub id or a local
folder; models are loaded only for the tasks a run asks for.

Modules: :mod:`.options` (validated options), :mod:`.system` (the system
and its factory, listed in :mod:`benchmark.systems.registry`),
:mod:`.loading`, :mod:`.translate`, :mod:`.ner`, :mod:`.stance`.
Importing this package is cheap.
"""
