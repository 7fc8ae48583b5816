"""The gold data, installed as the package ``benchmark.data`` so that a regular
(non-editable) install finds it; see ``benchmark.gold.loading.default_data_dir``.
There is no code here."""
