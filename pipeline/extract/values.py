"""Numbers and dates as written in Chinese forms: Arabic, Chinese (incl. 大写 financial) numerals,
万, thousands separators; 2026年7月20日, 2026.7.20, 2026-07-20, 二〇二六年七月二十日.
Chinese numerals go through cn2an (no home-made converter)."""
from __future__ import annotations

import datetime as dt
import re

import cn2an

CN_DIGITS = "〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"
_CN_YEAR_DIGIT = {"〇": "0", "零": "0", "O": "0", "o": "0", "0": "0", "一": "1", "二": "2", "三": "3", "四": "4",
                  "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_YEAR_CN = "[〇零Oo0一二三四五六七八九]"
_SMALL_CN = "[一二三四五六七八九十]"

DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"
    r"|(?P<y2>(?:19|20)\d{2})\s*[.\-/．]\s*(?P<m2>\d{1,2})\s*[.\-/．]\s*(?P<d2>\d{1,2})(?!\d)"
    rf"|(?P<y3>{_YEAR_CN}{{3,5}})年(?P<m3>{_SMALL_CN}{{1,2}})月(?P<d3>{_SMALL_CN}{{1,3}})日?"
)
NUMBER_RE = re.compile(rf"\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+")


def cn_int(text: str) -> int | None:
    """'三' → 3, '叁' → 3, '三十六' → 36, '36' → 36; None if it is not a number."""
    t = text.strip()
    if not t:
        return None
    if t.isdigit():
        return int(t)
    try:
        v = cn2an.cn2an(t, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(v) if float(v).is_integer() else None


def parse_number(text: str) -> float | None:
    """'1,200' → 1200, '1.2万' → 12000, '肆拾伍' → 45, '四十五' → 45. Text around is not allowed."""
    t = text.strip().replace(",", "").replace("，", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    try:
        v = cn2an.cn2an(t, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return float(v)


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def date_from_match(m: re.Match) -> dt.date | None:
    if m.group("y"):
        return _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if m.group("y2"):
        return _date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    year = "".join(_CN_YEAR_DIGIT[c] for c in m.group("y3"))
    if len(year) == 3 and year[0] == "2" and year[1] != "0":  # OCR dropped the 〇 of 二〇二五 (20xx only)
        year = "20" + year[1:]
    if len(year) == 5:  # OCR doubled the 〇 (二O〇二六): drop one of two adjacent zeros
        k = year.find("00")
        year = year[:k] + year[k + 1:] if k >= 0 else ""
    if not (len(year) == 4 and year[:2] in ("19", "20")):
        return None
    month, day = cn_int(m.group("m3")), cn_int(m.group("d3"))
    if month is None or day is None:
        return None
    return _date(int(year), month, day)


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date in `text` with its span."""
    out = []
    for m in DATE_RE.finditer(text):
        d = date_from_match(m)
        if d is not None:
            out.append((d, m.start(), m.end()))
    return out


def parse_date(text: str) -> dt.date | None:
    found = find_dates(text)
    return found[0][0] if found else None


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def years_between(start: dt.date, end: dt.date) -> float:
    """Lease length in years: whole years when end is the day before an anniversary (2026-07-01 to
    2029-06-30 = 3), else whole years plus the remaining days / 365.25, to two decimals."""
    nxt = end + dt.timedelta(days=1)
    if end >= start and add_years(start, 0) == start:
        n = 0
        while add_years(start, n + 1) <= nxt:
            n += 1
        if add_years(start, n) == nxt or add_years(start, n) == end:
            return float(n)
        return round(n + (nxt - add_years(start, n)).days / 365.25, 2)
    return round((nxt - start).days / 365.25, 2)
