"""Haowu benchmarks: ``python -m bench`` (see ``bench/README.md``).

Each benchmark is a module with a ``run`` function; :mod:`bench.common` holds what they share
(server processes, the load generator, percentiles, the table and the JSON output).
"""
