"""The harness: Hydra app, run folders, manifests (``python -m benchmark run``)."""
