"""The gold data: typed records, loading, checks and the dataset card.

Takes the files under ``data/`` (articles, gold JSON, targets, raw passes)
and hands on a checked, frozen :class:`~benchmark.gold.schema.Corpus`, plus
derived views of it: segments, inter-annotator agreement, the Parquet export
and its card.  Nothing here reads predictions.
"""
