"""What a credit-list column means, from the words of its header (issue 14).

Exports name their columns in many ways (被执行人姓名/名称, 失信被执行人名称, 当事人姓名或名称,
纳税人识别号或社会信用代码, 统一社会信用代码/组织机构代码 …), sometimes over two merged header rows
under a title. A list of known spellings fails open on the next district's export, so the
vocabulary lives in credit_columns.yaml as words and this module only matches them: roles by
word, `veto` words for headers that describe something else (法定代表人姓名), combined headers
split into parts. Pure functions; reading files is credit_read.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).with_name("credit_columns.yaml")
Role = str  # 'name' | 'code' | 'former_name' | 'date' | 'removal_date'


def header_key(text: object) -> str:
    """Comparable form of a header cell: NFKC (full-width → half-width), lower case, no spaces,
    colons or asterisks."""
    t = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s:*]", "", t)


@dataclass(frozen=True)
class Vocabulary:
    priority: tuple[str, ...]
    words: dict[str, tuple[str, ...]]
    needs: dict[str, tuple[str, ...]]
    exact: dict[str, str]
    veto: tuple[str, ...]
    name_preference: tuple[tuple[str, ...], ...]
    former_re: re.Pattern
    separators: re.Pattern
    note_starts: tuple[str, ...]
    note_patterns: tuple[re.Pattern, ...]
    kind_headers: dict[str, tuple[str, ...]]
    kind_titles: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    roles = data["roles"]
    k = header_key
    markers = sorted(data["former_in_name"]["markers"], key=len, reverse=True)
    # the note closes the cell, and the former name may hold brackets of its own: 新名（原名：重庆(两江)旧名）
    former = re.compile(r"[(（\[【]\s*(?:" + "|".join(map(re.escape, markers)) + r")\s*[:：]?\s*(.+?)\s*[)）\]】]\s*$")
    seps = re.compile("|".join(re.escape(s) for s in data["name_separators"]))
    return Vocabulary(
        priority=tuple(data["priority"]),
        words={r: tuple(k(w) for w in spec.get("words", ())) for r, spec in roles.items()},
        needs={r: tuple(k(w) for w in spec.get("needs", ())) for r, spec in roles.items()},
        exact={k(e): r for r, spec in roles.items() for e in spec.get("exact", ())},
        veto=tuple(k(w) for w in data["veto"]),
        name_preference=tuple(tuple(k(w) for w in g) for g in data["name_preference"]),
        former_re=former,
        separators=seps,
        note_starts=tuple(unicodedata.normalize("NFKC", s).strip() for s in data["note_row"]["starts"]),
        note_patterns=tuple(re.compile(p) for p in data["note_row"]["patterns"]),
        kind_headers={kd: tuple(k(w) for w in v["headers"]) for kd, v in data["kinds"].items()},
        kind_titles={kd: tuple(k(w) for w in v["titles"]) for kd, v in data["kinds"].items()},
    )


_PARTS = re.compile(r"[/|()\[\]【】]+")


def classify(header: object) -> Role | None:
    """The role of one header cell, or None (see credit_columns.yaml for the order of the rules)."""
    v = vocabulary()
    key = header_key(header)
    if not key:
        return None
    if key in v.exact:
        return v.exact[key]
    if any(w in key for w in v.veto):
        return None
    for part in _PARTS.split(key):
        for role in v.priority:
            if any(w in part for w in v.words[role]) and (not v.needs[role] or any(n in part for n in v.needs[role])):
                return role
    return None


def classify_pair(top: object, bottom: object) -> Role | None:
    """Role of a column under a two-row header: the lower cell decides when it says anything (a veto
    there is final), else the upper one (a cell merged over both rows)."""
    if header_key(bottom):
        return classify(bottom)
    return classify(top)


def _name_rank(header: str) -> int:
    key = header_key(header)
    groups = vocabulary().name_preference
    if any(w in key for w in groups[0]) and any(w in key for w in groups[1]):
        return 0
    if any(w in key for w in groups[1]):
        return 1
    return 2


@dataclass(frozen=True)
class Columns:
    """Column indexes by meaning (0-based). `name` is the preferred name column; other name columns
    and former-name columns are matched as aliases; every code column is read."""

    name: int | None = None
    other_names: tuple[int, ...] = ()
    former: tuple[int, ...] = ()
    codes: tuple[int, ...] = ()
    date: int | None = None
    removal: int | None = None

    @property
    def usable(self) -> bool:
        return self.name is not None or bool(self.codes)


def detect_columns(header: list[str], roles: list[Role | None] | None = None) -> Columns:
    roles = roles if roles is not None else [classify(h) for h in header]
    names = [i for i, r in enumerate(roles) if r == "name"]
    names.sort(key=lambda i: (_name_rank(header[i]), i))
    first = lambda role: next((i for i, r in enumerate(roles) if r == role), None)  # noqa: E731
    return Columns(
        name=names[0] if names else None,
        other_names=tuple(sorted(names[1:])),
        former=tuple(i for i, r in enumerate(roles) if r == "former_name"),
        codes=tuple(i for i, r in enumerate(roles) if r == "code"),
        date=first("date"),
        removal=first("removal_date"),
    )


def detect_kind(header: list[str], titles: list[str], file_name: str) -> tuple[str | None, str]:
    """(kind, where it was seen: 表头 / 标题或工作表名 / 文件名), or (None, '')."""
    v = vocabulary()
    for source, texts, words in (("表头", header, v.kind_headers), ("标题或工作表名", titles, v.kind_titles),
                                 ("文件名", [file_name], v.kind_titles)):
        keys = [header_key(t) for t in texts if t]
        scores = {kd: sum(any(w in k for w in ws) for k in keys) for kd, ws in words.items()}
        best = sorted(scores.items(), key=lambda kv: -kv[1])
        if best and best[0][1] > 0 and (len(best) == 1 or best[0][1] > best[1][1]):
            return best[0][0], source
    return None, ""


def is_note(text: str) -> bool:
    """A note, total or signature line (注：…, 合计, 共403条, 数据来源：…), not a listed unit."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    if not t:
        return False
    v = vocabulary()
    return t.startswith(v.note_starts) or any(p.search(t) for p in v.note_patterns)


def split_former(name: str) -> tuple[str, list[str]]:
    """'重庆新名有限公司（原名：重庆旧名有限公司）' → ('重庆新名有限公司', ['重庆旧名有限公司'])."""
    v = vocabulary()
    found = v.former_re.findall(name)
    if not found:
        return name, []
    rest = v.former_re.sub("", name).strip()
    return rest, [n for f in found for n in split_names(f)]


def split_names(cell: str) -> list[str]:
    """Several names in one 曾用名 cell."""
    return [p.strip() for p in vocabulary().separators.split(cell or "") if p.strip()]
