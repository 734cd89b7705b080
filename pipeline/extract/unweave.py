"""Two wrapped cells of one table row that OCR read as ONE line, their lines interleaved: a role cell
and a name cell (牵头单位、开源贡 / 献单位 beside 重庆白鹭……股份有 / 限公司 → 牵头单位、开源贡重庆白鹭……股份有献单位限公司),
or a name cell and the next label with its value (重庆同创……股份有限 / 公司 beside 注册时间 2009年7月11日 →
重庆同创……股份有限注册时间2009年7月11日公司). Taken apart only when what is left is a whole unit name (`whole`, the caller's test of a complete name).

Role phrases come from patterns/roles.jsonl, labels from patterns/labels.yaml: data, not code."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Callable

from pipeline.extract.config import labels

_VALUE = re.compile(r"^[:：]?[\s0-9０-９一二三四五六七八九〇○十百千万亿年月日号.\-/()（）元人个名家%％]*")


@lru_cache(maxsize=1)
def _role_phrases() -> tuple[str, ...]:
    text = resources.files("pipeline.extract.patterns").joinpath("roles.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return tuple(sorted({r["pattern"] for r in rows if r["label"] != "member" and isinstance(r["pattern"], str)
                         and len(r["pattern"]) >= 4}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _other_labels() -> re.Pattern:
    words = sorted(labels()["labels"]["other_fields"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def drop_label(text: str, whole: Callable[[str], bool]) -> str | None:
    """The name with another field's label and value taken out of its middle, when it was woven in
    (……股份有限注册时间2009年7月11日公司 → ……股份有限公司); None when there is none to take out."""
    for m in _other_labels().finditer(text):
        if m.start() == 0:
            continue
        rest = text[m.end():]
        tail = rest[_VALUE.match(rest).end():]
        if tail and len(tail) <= 8 and whole(text[:m.start()] + tail):
            return text[:m.start()] + tail
    return None


@lru_cache(maxsize=2048)
def split_role(text: str, whole: Callable[[str], bool]) -> tuple[str, str] | None:
    """(role text, name) of a role cell and a name cell read as one interleaved line: a role phrase
    split in two around the name's first line, its second half before the name's end; None when
    the text is not such a weave."""
    if whole(text):
        return None
    for phrase in _role_phrases():
        for j in range(1, len(phrase)):
            a, b = phrase[:j], phrase[j:]
            i = text.find(a)
            while i != -1:
                k = text.find(b, i + len(a) + 4)
                if k != -1:
                    name = text[i + len(a):k] + text[k + len(b):]
                    if whole(name):
                        return text[:i] + phrase, name
                i = text.find(a, i + 1)
    return None
