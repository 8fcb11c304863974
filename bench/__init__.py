"""Benchmarks (đo hiệu năng) behind ``make bench``: generator, server, load generator, report."""
