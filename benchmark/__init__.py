"""Arabic quote-attribution benchmark: gold data, systems, scoring and reports.

Data flows one way through the stage packages (see ``docs/ARCHITECTURE.md``)::

    gold → submission → scoring → tasks → systems → harness → report → leaderboard → publish → annotate → cli

The typed API for the gold data::

    from benchmark import load_corpus
    corpus = load_corpus()
    doc = corpus.documents[0]
    doc.quotes[0].speaker
"""

from benchmark.common.version import __version__
from benchmark.gold.loading import load_corpus
from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target

__all__ = [
    "Corpus", "Document", "Entity", "Mention", "Quote", "Segment", "Span", "Stance", "Target",
    "load_corpus", "__version__",
]
