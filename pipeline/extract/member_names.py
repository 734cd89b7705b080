"""Unit names in a member list's text: sentence words cut off, and what only looks like a name — a 单位类型 value
(其他有限责任公司), a field label's wrapped piece, a run holding a code — left out (words in patterns/consortium.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.extract.config import consortium_patterns as patterns
from pipeline.extract.fields import USCC_TOKEN, accept_name, find_names, whole_name


@lru_cache(maxsize=1)
def _type_words() -> re.Pattern:
    words = sorted(patterns()["unit_type_words"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


def is_type_word(name: str) -> bool:
    """A 单位类型 value read as a name (其他有限责任公司, 企业（有限责任公司): nothing of a unit's own
    name is left once the type words and brackets are taken out; or a type word OCR garbled."""
    rest = _NOT_CJK.sub("", _type_words().sub("", name))
    return len(rest) < 2 or _garbled_type_word(name)


GARBLED_EDITS = 2
"""A type word (4+ characters) with at most this many characters changed or added, one of them at
most foreign to every type word, is that type word garbled (其他有限责艮责任公司: 有限责任公司 with
艮责 spliced in by two engines' readings of one cell, dev seed 1202 #009, a fourth "member" holding
the lead's roles). A unit's own name keeps 2+ characters no type word has (渝信有限公司)."""


@lru_cache(maxsize=1)
def _type_chars() -> frozenset[str]:
    return frozenset("".join(patterns()["unit_type_words"]))


def _garbled_type_word(name: str) -> bool:
    core = _NOT_CJK.sub("", name)
    if sum(ch not in _type_chars() for ch in core) > 1:
        return False
    for w in patterns()["unit_type_words"]:
        if core.startswith(w) and len(w) <= 3:  # a leading short type word (其他有限……)
            core = core[len(w):]
            break
    return any(len(w) >= 4 and Levenshtein.distance(core, w) <= GARBLED_EDITS
               for w in patterns()["unit_type_words"])


def strip_prose(name: str) -> str:
    """Cut sentence words from a name's start (联合体由重庆……公司 → 重庆……公司) while a name is left."""
    changed = True
    while changed:
        changed = False
        for w in sorted(patterns()["name_prose_prefixes"], key=len, reverse=True):
            k = name.find(w)
            if k != -1 and k <= 4 and accept_name(name[k + len(w):]):
                name, changed = name[k + len(w):], True
                break
    return name


def is_label_piece(name: str) -> bool:
    """A field label's wrapped piece read as a name (机构代码（统一社会: 会 ends it like a 协会)."""
    return any(w in name for w in patterns()["label_not_name"])


def names_in(text: str) -> list[tuple[str, int, int]]:
    """Unit names in `text`, sentence words cut off, unit-type words and label pieces dropped, and so
    is a "name" holding a code (a row's cells read joined: ……有限公 | 9150…C00 | 有限责任公司, dev seed 1420 #003)."""
    out = []
    for n, s, e in find_names(text):
        clean = strip_prose(n)
        if len(clean) >= 5 and not is_type_word(clean) and not is_label_piece(clean) and not USCC_TOKEN.search(clean):
            out.append((clean, e - len(clean), e))
    return out


def leading_name(text: str) -> list[tuple[str, int, int]]:
    """A name column's cell holding one whole unit name that OCR gave with a few characters more after
    it (重庆九章……研究中心开源软件发展: a crop re-read caught the line above), or with its wrapped
    end first (中心重庆市鹿鸣数字化转型促进: one box over both lines of the cell): that name."""
    for k in range(len(text) - 1, max(len(text) - 9, 4), -1):
        head = text[:k]
        if whole_name(head) and [n for n, *_ in names_in(head)] == [head]:
            return [(head, 0, k)]
    if names_in(text):
        return []
    for k in range(1, min(7, len(text) - 4)):
        turned = text[k:] + text[:k]
        if whole_name(turned) and [n for n, *_ in names_in(turned)] == [turned]:
            return [(turned, 0, len(text))]
    return []
