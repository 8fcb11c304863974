"""Settings for benchmark runs: production settings plus the raw baseline urls.

``DJANGO_SETTINGS_MODULE=motcua.benchsupport.settings MOTCUA_BENCH_VIEWS=1`` mounts
``bench/raw-insert`` and ``bench/raw-select/<code>`` next to every real url.
"""

from motcua.config.settings import *  # noqa: F403

ROOT_URLCONF = "motcua.benchsupport.urls"
