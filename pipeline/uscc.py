"""统一社会信用代码 (USCC, GB 32100-2015): both check characters, OCR repair, type from positions 1–2.

Written here rather than taken from python-stdnum's `cn.uscc`: stdnum requires positions 1–8 to be
digits (legal codes starting A, N, Y fail) and does not check position 17 (GB 11714). stdnum is
used in the tests as a cross-check on the digit-only codes it accepts.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_W18 = [pow(3, i, 31) for i in range(17)]
_W17 = [3, 7, 9, 10, 5, 8, 4, 2]

# OCR confusions: characters that never occur in a USCC mapped to what they usually are.
CONFUSIONS = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}
# Characters that do occur but are often misread, tried only when the code fails as read.
AMBIGUOUS = {"B": "8", "8": "B", "D": "0", "0": "DQ", "G": "6", "6": "G", "Q": "0", "T": "7", "7": "T", "1": "L", "L": "1"}
"""char → what OCR may have misread it for (several alternatives for 0: D and Q)."""
# Positions 2–8 (机构类别 + 行政区划码) are always digits: a letter there is a misread digit.
DIGIT_LOOKALIKE = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "T": "7", "B": "8"}


def normalise(text: str) -> str:
    """NFKC, upper-case, drop spaces/hyphens/ideographic space (full-width digits become ASCII)."""
    t = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in t if ch not in " -\u3000\t\r\n")


def check_char_18(first17: str) -> str | None:
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, _W18))
    except KeyError:
        return None
    return ALPHABET[(31 - total % 31) % 31]


def _org_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    raise KeyError(c)


def check_char_17(body8: str) -> str | None:
    """GB 11714 check of the organisation code body (USCC positions 9–16); A=10…Z=35."""
    try:
        total = sum(_org_value(c) * w for c, w in zip(body8, _W17))
    except KeyError:
        return None
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


@dataclass(frozen=True)
class UsccCheck:
    code: str
    well_formed: bool
    check18_ok: bool
    check17_ok: bool

    @property
    def valid(self) -> bool:
        return self.well_formed and self.check18_ok and self.check17_ok

    @property
    def problem(self) -> str:
        if not self.well_formed:
            return "格式不符（应为18位，且不含 I O S V Z）"
        if not self.check18_ok:
            return "第18位校验码不符"
        if not self.check17_ok:
            return "第17位（组织机构代码校验位）不符"
        return ""


def check(code: str) -> UsccCheck:
    c = normalise(code)
    ok = len(c) == 18 and all(ch in _VALUE for ch in c)
    if not ok:
        return UsccCheck(c, False, False, False)
    return UsccCheck(c, True, check_char_18(c[:17]) == c[17], check_char_17(c[8:16]) == c[16])


def is_valid(code: str) -> bool:
    return check(code).valid


def complete(first17: str) -> str:
    """Append the position-18 check character (for generating fixtures)."""
    ch = check_char_18(first17)
    if ch is None:
        raise ValueError(f"not a USCC prefix: {first17!r}")
    return first17 + ch


def org_code_check(body8: str) -> str:
    ch = check_char_17(body8)
    if ch is None:
        raise ValueError(f"not an organisation code body: {body8!r}")
    return ch


def org_code(code: str) -> str:
    """Positions 9–17: the 9-character 组织机构代码 older records carry instead of a USCC."""
    return normalise(code)[8:17]


@dataclass(frozen=True)
class Repair:
    code: str
    changes: tuple[str, ...]
    """Human-readable changes, e.g. 'O→0 @9'."""
    guessed: bool = False
    """A character that may occur in a code was changed (B→8 @17): the check characters chose it,
    nothing read it (never-used letters O I Z S V and letters in the digit positions 2–8 are certain)."""


def repair(text: str, max_ambiguous: int = 1) -> Repair | None:
    """Return a valid code from an OCR reading, or None.

    Never-used letters (O I Z S V) are always mapped; other confusions are tried only when the
    code still fails, at most `max_ambiguous` of them, and only a code that passes both checks is
    returned. A code valid as read comes back with no changes.
    """
    c = normalise(text)
    if len(c) != 18:
        return None
    changes: list[str] = []
    chars = list(c)
    for i, ch in enumerate(chars):
        if 1 <= i <= 7 and ch in DIGIT_LOOKALIKE:
            chars[i] = DIGIT_LOOKALIKE[ch]
            changes.append(f"{ch}→{chars[i]} @{i + 1}")
        elif ch in CONFUSIONS:
            chars[i] = CONFUSIONS[ch]
            changes.append(f"{ch}→{chars[i]} @{i + 1}")
    base = "".join(chars)
    if is_valid(base):
        return Repair(base, tuple(changes))
    positions = [i for i, ch in enumerate(base) if i >= 8 and ch in AMBIGUOUS]
    from itertools import combinations, product

    for k in range(1, max_ambiguous + 1):
        hits = []
        for combo in combinations(positions, k):
            for alts in product(*(AMBIGUOUS[base[i]] for i in combo)):
                cand = list(base)
                for i, alt in zip(combo, alts):
                    cand[i] = alt
                s = "".join(cand)
                if is_valid(s):
                    hits.append((s, combo))
        if len(hits) == 1:  # an ambiguous repair is no repair
            s, combo = hits[0]
            return Repair(s, tuple(changes) + tuple(f"{base[i]}→{s[i]} @{i + 1}" for i in combo), True)
        if hits:
            return None
    return None


# 92 个体工商户 and 93 农民专业合作社 are registered by the market regulator but are not
# enterprises in the notice's sense (企业): they map to "other".
ENTITY_BY_PREFIX = {
    "91": "enterprise",
    "12": "public_institution",
    "51": "social_organization", "52": "social_organization", "53": "social_organization",
}


def entity_type_from_code(code: str) -> str | None:
    """Entity type implied by positions 1–2 (91 enterprise, 12 institution, 51–53 social org)."""
    c = normalise(code)
    if len(c) < 2:
        return None
    if c[:2] in ENTITY_BY_PREFIX:
        return ENTITY_BY_PREFIX[c[:2]]
    return "other"


# ------------------------------------------------------------------ look-alikes between readings

@lru_cache(maxsize=1)
def _confusion_groups() -> tuple[str, ...]:
    """The groups of characters OCR takes for one another in a code (data: ocr/lookalikes.yaml)."""
    path = Path(__file__).parent / "ocr" / "lookalikes.yaml"
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["code_confusions"])


def lookalikes(ch: str) -> str:
    """The characters OCR may give for `ch` (or `ch` for), itself excluded."""
    return "".join(dict.fromkeys(c for g in _confusion_groups() if ch in g for c in g if c != ch))


def confusable(a: str, b: str, most: int = 3) -> tuple[int, ...] | None:
    """The 1-based positions where two readings of a code differ, when they differ at 1…`most`
    positions and only by look-alikes (one printed code read twice); else None."""
    a, b = normalise(a), normalise(b)
    if len(a) != len(b) or a == b:
        return None
    diff = tuple(i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y)
    if len(diff) > most or any(b[i - 1] not in lookalikes(a[i - 1]) for i in diff):
        return None
    return diff


def one_step(code: str) -> list[str]:
    """Every code one look-alike away from `code` (valid or not: a listed pilot code may fail)."""
    c = normalise(code)
    return [c[:i] + alt + c[i + 1:] for i, ch in enumerate(c) for alt in lookalikes(ch)]


def suspected(code: str) -> list[str]:
    """Valid codes one look-alike away from a reading that fails its checks (疑为…)."""
    return [] if is_valid(code) else [c for c in one_step(code) if is_valid(c)]
