"""Log filters for libraries whose warnings are outcomes, not faults (lọc nhật ký).

pyHanko logs a warning *with its traceback* for every signature it cannot trust: an expired or
unknown certificate, a path it cannot build. On the public result-verification page those are
the answers a citizen asked for (a forged or expired result is shown as such), and a traceback
per check buried the server's real errors. The filter keeps the warning's one line and drops
the traceback; errors keep theirs.
"""

from __future__ import annotations

import logging


class WarningWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            record.exc_info = None
            record.exc_text = None
        return True
