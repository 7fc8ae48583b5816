"""Arabic quote-attribution benchmark: gold data, systems, scoring and reports.

The typed API for the gold data::

    from benchmark import load_corpus
    corpus = load_corpus()
    doc = corpus.documents[0]
    doc.quotes[0].speaker
"""

from .gold import load_corpus
from .schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target

__version__ = "0.1.0"

__all__ = [
    "Corpus", "Document", "Entity", "Mention", "Quote", "Segment", "Span", "Stance", "Target",
    "load_corpus", "__version__",
]
