"""Builds ``fixtures/gazetteer/<country>.csv`` from the datasets of registry packages.

Each country's module has ``build() -> (datasets, rows)``. The modules import their packages
(the ``gazetteer`` extra of pyproject.toml) only when they run: the site never needs them.
"""
