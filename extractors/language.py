"""Which language an article is in, as far as the pipeline needs to know: Chinese, English, or unknown."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str, threshold: float = 0.15) -> bool:
    """True when CJK characters make up at least ``threshold`` of the text's first 4,000 non-space characters.

    A Chinese article quoting English model names ("超越 GPT-5") stays well above 0.15; an English article
    quoting a Chinese name ("文心一言") stays far below it.
    """
    letters = [c for c in text[:4000] if not c.isspace()]
    return bool(letters) and sum(1 for c in letters if CJK.match(c)) / len(letters) >= threshold
