"""Settings for benchmark runs: production settings plus the raw baseline urls.

``DJANGO_SETTINGS_MODULE=bench.baseline.settings MOTCUA_BENCH_VIEWS=1`` mounts
``bench/raw-insert`` and ``bench/raw-select/<code>`` next to every real url.
"""

from motcua.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline.urls"

# The benchmark measures capacity, not the abuse limits: one token sends thousands of requests
# a minute and the load generator looks up codes from one address.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
MOTCUA_LOOKUP_RATE = ""
