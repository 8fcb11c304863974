"""Demo province Đắk Lắk (tỉnh Đắk Lắk minh họa): units, staff and the real procedure sample.

A Django app only for its commands (``demo_load``, ``runserver_demo``); ``load_demo`` needs
Django set up; the converter (``motcua.demo.convert``)
and the unit plan (``motcua.demo.units``) are plain Python so the JSON can be regenerated
without a database. The unit-code scheme is documented in ``units.py`` and README.md.
"""

from __future__ import annotations

DEMO_PASSWORD = "motcua-demo"


def load_demo(*, stdout=None):
    """Create or refresh the demo province; returns a ``DemoSummary``. Idempotent."""
    # Imported here so the converter script can import this package without Django.
    from motcua.demo.loader import load_demo as _load

    return _load(stdout=stdout)


__all__ = ["DEMO_PASSWORD", "load_demo"]
