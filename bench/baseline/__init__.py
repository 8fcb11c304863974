"""Benchmark support (đo hiệu năng): the raw baseline views ``make bench`` compares against.

Not an installed app and not part of the product package (``src/motcua``): no models, no
migrations, loaded only by the benchmark. The views are mounted only by
``bench.baseline.settings`` and only when ``MOTCUA_BENCH_VIEWS=1``.
"""
