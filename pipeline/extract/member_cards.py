"""Member cards: a key-value block per member (成员单位一 | A公司 / 统一社会信用代码 | … / 承担角色 | ■牵头单位 …),
read in order over the pages, with whether every card was read whole (a card lost means the cards'
count is no evidence of the list's size). Keys and column words are in patterns/consortium.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from pipeline.extract.fields import USCC_TOKEN, whole_name
from pipeline.extract.layout import Cell, is_speck
from pipeline.extract.member_list import MemberRow, column_of, names_in, patterns, roles_in


@lru_cache(maxsize=1)
def _card_key() -> re.Pattern:
    return re.compile("|".join(patterns()["member_card_keys"]))


@lru_cache(maxsize=1)
def _glued_keys() -> tuple[re.Pattern, tuple[str, ...]]:
    card = re.compile("|".join(k.rstrip("$") for k in patterns()["member_card_keys"]))
    cols = patterns()["member_columns"]
    return card, tuple(sorted((w for k in ("uscc", "role", "type") for w in cols[k]), key=len, reverse=True))


def _unglue(row: Sequence[Cell]) -> Sequence[Cell]:
    """A card row whose key and value OCR read as one cell (成员单位三重庆森域……公司, 承担角色■牵头单位□……)
    split into key | value; other rows as they are."""
    if not row or (len(row) >= 2 and (_card_key().search(row[0].text) or column_of(row[0].text))):
        return row
    first = row[0]
    card, words = _glued_keys()
    m = card.match(first.text)
    k = m.end() if m and whole_name(first.text[m.end():]) else next(
        (len(w) for w in words if first.text.startswith(w)
         and (USCC_TOKEN.search(first.text[len(w):]) or roles_in(first.text[len(w):]))), 0)
    if not k:
        return row
    x0, y0, x1, y1 = first.bbox
    cut = x0 + (x1 - x0) * k / len(first.text)
    key = Cell(first.text[:k], first.text[:k], first.file, first.page, (x0, y0, cut, y1), first.confidence,
               first.source, first.origin)
    value = Cell(first.text[k:], first.raw, first.file, first.page, (cut, y0, x1, y1), first.confidence,
                 first.source, first.origin)
    return (key, value, *row[1:])


_ORDINALS = "一二三四五六七八九十"


def _ordinal(key: str) -> int | None:
    """The number a card key gives its card (成员单位三 → 3), None when it gives none."""
    m = re.search(r"成员(?:单位)?([一二三四五六七八九十]|\d{1,2})", key)
    if not m:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else _ORDINALS.index(n) + 1


def _key_with_speck(key: str) -> bool:
    """A card key with a few characters OCR added after it (成员单位一重庆: a speck or a seal's edge
    read as text), the unit's name in the next cell."""
    card, _ = _glued_keys()
    m = card.match(key)
    # numbered only: 联合体成员单位 | B公司 on a cover is a label, not a card
    return bool(m) and _ordinal(m.group()) is not None and len(key) - m.end() <= 3 and not names_in(key[m.end():])


def read_cards(pages: Sequence[Sequence[Sequence[Cell]]]) -> tuple[list[MemberRow], bool]:
    """Key-value blocks, one per member (成员单位一 | A公司 / 统一社会信用代码 | … / 承担角色 | ■牵头单位 …),
    in order over the pages; each becomes a member row. Also whether every card was read whole: a
    card key whose name was not read, or a second code or role row in one card (the next card's key
    was not read), means a member was lost, so the cards' count is no evidence of the list's size
    (and the second row is not given to the card above it)."""
    out: list[MemberRow] = []
    whole = True
    seen = 0  # cards so far: their numbers run on over the pages
    numbered = False
    for rows in pages:
        card: list[Cell] | None = None
        name = None
        fields: dict[str, Cell] = {}

        def close() -> None:
            if card is not None and name:
                _, cells = name
                code_cell = fields.get("uscc")
                m = USCC_TOKEN.search(code_cell.text) if code_cell else None
                roles = tuple((lb, fields["role"]) for lb, *_ in roles_in(fields["role"].text)) if "role" in fields else ()
                out.append(MemberRow(name[0], cells, m.group().upper() if m else None, code_cell if m else None,
                                     roles, fields.get("type"), tuple(card)))

        for row in rows:
            # a speck before a key is no key (· | 统一社会信用代码（注册号） | 1250…: the code lost, dev seed 1421 #003)
            row = _unglue([c for c in row if not is_speck(c.text)])
            if len(row) < 2:
                continue
            key, rest = row[0].text, row[1:]
            found = names_in("".join(c.text for c in rest))
            if _card_key().search(key) or (found and _key_with_speck(key)):
                close()
                card, fields = list(row), {}
                name = (found[0][0], (rest[0],)) if found else None
                # cards numbered 一, 二, 三 …: a number skipped is a card whose key was not read
                seen += 1
                whole = whole and name is not None and _ordinal(key) in (None, seen)
                numbered = numbered or _ordinal(key) is not None
                continue
            col = column_of(key)
            if card is not None and col in fields and col in ("uscc", "role"):
                close()  # a second code or role in one card: the next card's key was lost
                card, name, whole = None, None, False
                continue
            if card is not None and col in ("uscc", "role", "type"):
                fields[col] = Cell("".join(c.text for c in rest), " ".join(c.raw for c in rest), rest[0].file,
                                   rest[0].page, rest[0].bbox, min(c.confidence for c in rest), rest[0].source, rest[0].origin)
                card += list(row)
        close()
    # one card with no number is no list (联合体成员单位 | B公司 on a cover names the other members)
    return out, whole and (numbered or len(out) != 1)
