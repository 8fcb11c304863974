"""Settings for benchmark runs: production settings plus the raw baseline urls.

``DJANGO_SETTINGS_MODULE=bench.baseline.settings MOTCUA_BENCH_VIEWS=1`` mounts
``bench/raw-insert`` and ``bench/raw-select/<code>`` next to every real url.
"""

from motcua.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline.urls"
