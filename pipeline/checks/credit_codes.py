"""Cell values of credit-list exports: dates, and the unit codes a cell may hold (USCC, 9-char
组织机构代码, old 15-digit 纳税人识别号 = 6-digit region + organisation code; domain-notes §2.4)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from pipeline import uscc as uscc_mod

# ------------------------------------------------------------------ cell values


def cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        # Excel keeps 15 significant digits: a longer ID typed as a number is already damaged
        return str(int(v)) if abs(v) < 1e15 else f"{v:.15g}"
    return str(v).replace("\u3000", " ").strip()


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str) -> dt.date | None:
    t = unicodedata.normalize("NFKC", text or "").strip()
    m = _DATE_RE.search(t)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if re.fullmatch(r"\d{8}", t):
            return dt.date(int(t[:4]), int(t[4:6]), int(t[6:]))
    except ValueError:
        return None
    return None


# ------------------------------------------------------------------ codes

_PERSON_ID = re.compile(r"\d{6}(19|20)\d{2}(0[1-9]|1[0-2])\d{5}[\dX]")
_RUN = re.compile(r"[0-9A-Za-z]{8}[0-9A-Za-z-]+")
CODE_SCAN = re.compile(r"[0-9A-Za-z]{8}[0-9A-Za-z-]+|[０-９Ａ-Ｚａ-ｚ]")
"""_RUN, or one full-width letter/digit (the row then needs NFKC before its codes are read)."""
"""Runs of ASCII letters/digits (8 in a row, then more or a hyphen) long enough to hold a code (cheap on Chinese text and dates: no
look-around at every character)."""
_WIDE = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")


def _org_ok(c: str) -> bool:
    return len(c) == 9 and uscc_mod.check_char_17(c[:8]) == c[8]


def _tin_org(c: str) -> str | None:
    """The 组织机构代码 inside an old 15-digit 纳税人识别号 (6-digit region + 9-char code), if it is one."""
    if len(c) == 15 and c[:6].isdigit() and "11" <= c[:2] <= "82" and _org_ok(c[6:]):
        return c[6:]
    return None


def codes_of_cell(text: str) -> tuple[str | None, str | None]:
    """(USCC, 组织机构代码) in a cell of a code column. Lenient where strictness would lose a listing:
    an 18-char code that is not a person ID counts even if its check characters fail (legal pre-2015
    pilot codes do, domain-notes §1.7); a masked person ID or a 工商注册号 gives neither."""
    c = text.strip().upper().replace("-", "")
    if not (c.isascii() and c.isalnum()):
        c = uscc_mod.normalise(text)
        if not (c.isascii() and c.isalnum()):
            return None, None
    n = len(c)
    if n == 18:
        if c[:17].isdigit() and _PERSON_ID.fullmatch(c) and not uscc_mod.is_valid(c):
            return None, None
        return c, c[8:17]
    if n == 15:
        return None, _tin_org(c)
    if n == 9 and (c[8].isdigit() or c[8] == "X"):
        return None, c
    return None, None


def codes_anywhere(raw: str, known: tuple = ()) -> list[tuple[str | None, str | None]]:
    """Every (USCC, org code) a row's text holds, checked strictly (valid check characters), so a
    phone number or a person ID in another column is not taken for a unit's code. Codes in
    `known` (already read from the code columns) are left out."""
    if _WIDE.search(raw):
        raw = unicodedata.normalize("NFKC", raw)
    out: list[tuple[str | None, str | None]] = []
    for run in _RUN.findall(raw):
        # XXXXXXXX-X is one organisation code; other hyphens separate tokens
        for tok in (run,) if len(run) == 10 and run[8] == "-" else run.split("-"):
            c = tok.upper().replace("-", "")
            if len(c) in (9, 15, 18) and c not in known:
                out.extend(_strict(c))
    return out


def _strict(c: str) -> list[tuple[str | None, str | None]]:
    """(USCC, org code) of a token when its check characters hold."""
    if len(c) == 18:
        return [(c, c[8:17])] if uscc_mod.is_valid(c) else []
    if len(c) == 15:
        org = _tin_org(c)
        return [(None, org)] if org else []
    return [(None, c)] if _org_ok(c) and not c.isalpha() else []
