"""Predictions in submission format v1: read, aligned, validated.

Takes a JSON Lines file (or the same dicts from a built-in system) and the
gold corpus; hands on typed :class:`~benchmark.submission.predictions.DocPrediction`
objects with spans aligned to gold offsets (exact, then the Arabic matching
view, then fuzzy), every alignment decision recorded, and a validation
report.  Errors name file, line and field.
"""
