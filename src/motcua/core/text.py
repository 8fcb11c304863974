"""Vietnamese text folding for accent-insensitive search.

"Cấp đổi thẻ căn cước" folds to "cap doi the can cuoc"; "đ" is not a combining mark in Unicode,
so it is mapped by hand.
"""

from __future__ import annotations

import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics, collapse spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
