"""Benchmark support (đo hiệu năng): the raw baseline views ``make bench`` compares against.

Not an installed app: no models, no migrations. The views are mounted only by
``motcua.benchsupport.settings`` and only when ``MOTCUA_BENCH_VIEWS=1``.
"""
