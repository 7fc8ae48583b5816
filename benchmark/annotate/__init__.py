"""People in the loop: the gold in Label Studio and back, and new articles.

Takes gold documents (:mod:`benchmark.gold`) or a run folder's predictions
(read with :mod:`benchmark.submission`) and hands on Label Studio tasks whose
pre-annotations a reviewer corrects (:mod:`.tasks`, :mod:`.predictions`), with
the labeling configuration they need (:mod:`.config`); takes a Label Studio
export and hands back gold JSON documents, checked as check-data checks them
(:mod:`.importing`). :mod:`.articles` stores a new article and its empty
skeleton, so the corpus grows by the same path; :mod:`.client` talks to a
Label Studio server over HTTP. Nothing here scores.
"""
