"""Production static storage minus the JS source-map rewriting.

The vendored Chart.js ends with ``//# sourceMappingURL=chart.umd.min.js.map`` but the map is
not vendored, so ``collectstatic`` with the production storage fails on it. Until the vendored
file or the project storage is fixed, the benchmark hashes and compresses everything else
exactly as production does.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class BenchStaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(p for p in ManifestStaticFilesStorage.patterns if p[0] != "*.js")
