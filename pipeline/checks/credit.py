"""Credit-list exports (失信被执行人, 重大税收违法失信主体): matching units against them.

Reading the exports (encodings, header rows, columns by meaning, codes in any cell, notes) is
credit_read.py with credit_columns.py/.yaml; this module re-exports its API for existing callers
(`load_credit_list`, `CreditList`, `KIND_NAMES`, `parse_date`).

Matching order follows domain-notes §2.4: USCC → 组织机构代码 (USCC positions 9–17, also inside an
old 15-digit 纳税人识别号) → exact normalised name (also a 曾用名/原名 of the record) → fuzzy name
(rapidfuzz). Exact keys use dicts; fuzzy names are blocked by character bigrams (a sorted numpy
posting array built in one vectorised pass) so a million-row list loads in seconds and a unit is
compared with a few thousand candidates, not all rows.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

import numpy as np

from pipeline import uscc as uscc_mod
from pipeline.checks.credit_codes import parse_date  # noqa: F401  (re-exported)
from pipeline.checks.credit_columns import Columns  # noqa: F401  (re-exported)
from pipeline.checks.credit_model import KIND_NAMES, CreditList, Table  # noqa: F401  (re-exported)
from pipeline.checks.credit_read import load_credit_list

ListKind = Literal["dishonest_debtor", "tax_violation"]
MatchKind = Literal["uscc", "org_code", "exact_name", "fuzzy_name"]

# ------------------------------------------------------------------ name normalisation

_DROP = re.compile(r"[\s()\[\]{}<>（）【】〔〕［］｛｝《》〈〉「」『』\"'“”‘’·・•]+")
_SUFFIXES = (("有限责任公司", "有限公司"),)


def normalise_name(name: str | None) -> str:
    """Comparable form of a unit name: NFKC (full→half width), upper case, no brackets or spaces,
    有限责任公司 → 有限公司. Idempotent (property-tested)."""
    t = (name or "").replace("\x00", "")
    for _ in range(4):
        t = _DROP.sub("", unicodedata.normalize("NFKC", t).upper())
        for a, b in _SUFFIXES:
            t = t.replace(a, b)
        # settled unless dropping a bracket let NFKC compose something new, or upper() made a
        # character NFKC would change (rare: combining marks, a few letterlike symbols)
        if t.isascii() and t.upper() == t or (unicodedata.is_normalized("NFKC", t) and t.upper() == t):
            break
    return t


def normalise_names(names: list[str]) -> list[str]:
    """normalise_name over many names in a few passes over one joined string (a million names
    in well under a second). NUL separates them: NFKC, upper() and the drop pattern leave it
    alone, and as a starter character it stops composition across names."""
    joined = "\x00".join(n.replace("\x00", "") for n in names)
    t = _DROP.sub("", unicodedata.normalize("NFKC", joined).upper())
    for a, b in _SUFFIXES:
        t = t.replace(a, b)
    if t.upper() == t and unicodedata.is_normalized("NFKC", t):
        out = t.split("\x00")
        if len(out) == len(names):
            return out
    return [normalise_name(n) for n in names]  # rare input: let each name settle on its own


# ------------------------------------------------------------------ the index

@dataclass(frozen=True)
class CreditRecord:
    file: str
    sha256: str
    row: int
    """Row number in the file (1-based, as a spreadsheet shows it)."""
    list_kind: str
    name: str
    uscc: str | None
    org_code: str | None
    fields: dict[str, str]
    sheet: str | None = None
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreditHit:
    kind: MatchKind
    score: float
    """100 for exact keys, the rapidfuzz ratio of normalised names for fuzzy ones."""
    list_kind: str
    record: CreditRecord
    code_conflict: bool = False
    """Both sides carry a code and the codes differ: a name match is then probably another unit."""
    via: str | None = None
    """For a name hit through another name of the record (曾用名/原名): that name."""


class _Keys:
    """key → gids, cheap for a million mostly-unique keys: first gid in one dict, the rest aside."""

    __slots__ = ("first", "more")

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.more: dict[str, list[int]] = {}

    @classmethod
    def of(cls, keys: list[str | None], extra: Iterable[tuple[str | None, int]] = ()) -> "_Keys":
        """Index gid → key (None/'' skipped) in bulk: dict(zip) runs in C; `extra` adds (key, gid)."""
        k = cls()
        n = len(keys)
        first = dict(zip(reversed(keys), range(n - 1, -1, -1)))  # reversed: the smallest gid wins
        first.pop(None, None)
        first.pop("", None)
        filled = n - keys.count(None) - keys.count("")
        if len(first) < filled:
            for g, key in enumerate(keys):
                if key and first[key] != g:
                    k.more.setdefault(key, []).append(g)
        k.first = first
        for key, g in extra:
            if not key:
                continue
            if key not in first:
                first[key] = g
            elif first[key] != g and g not in k.more.get(key, ()):
                k.more.setdefault(key, []).append(g)
        return k

    def get(self, key: str) -> list[int]:
        g = self.first.get(key)
        return [] if g is None else [g, *self.more.get(key, ())]


_KIND_ORDER = {"uscc": 0, "org_code": 1, "exact_name": 2, "fuzzy_name": 3}


class CreditIndex:
    """All loaded lists behind exact-key dicts and a bigram-blocked fuzzy name search.

    Names are entries: each record's name, then every other name of it (曾用名 column, （原名：…）,
    a second name column); `_entry_gid` maps an entry back to its record."""

    def __init__(self, lists: list[CreditList], fuzzy_threshold: float = 88.0, candidate_budget: int = 600):
        self.lists = lists
        self.fuzzy_threshold = fuzzy_threshold
        self.candidate_budget = candidate_budget
        self.fuzzy_limit = 5
        """At most this many fuzzy hits per unit (the closest), enough evidence for a reviewer."""
        sizes = [len(cl) for cl in lists]
        self._offsets = np.cumsum([0] + sizes)
        self._n = int(self._offsets[-1])
        base = [int(o) for o in self._offsets[:-1]]
        alias_gids = [b + g for b, cl in zip(base, lists) for g, _, _ in cl.aliases]
        self._former: dict[int, dict[int, tuple[str, ...]]] = {}
        """Per list (by id): record → its other names, for showing a hit."""
        for cl in lists:
            by: dict[int, tuple[str, ...]] = {}
            for g, a, _ in cl.aliases:
                by[g] = (*by.get(g, ()), a)
            self._former[id(cl)] = by
        entries = [n for cl in lists for n in cl.names] + [a for cl in lists for _, a, _ in cl.aliases]
        self._norm = norm = normalise_names(entries)
        del entries
        self._entry_gid = np.concatenate([np.arange(self._n, dtype=np.int32),
                                          np.asarray(alias_gids, dtype=np.int32)]) if alias_gids else None
        self._by_uscc = _Keys.of([c for cl in lists for c in cl.usccs],
                                 [(u, b + g) for b, cl in zip(base, lists) for g, u, _ in cl.extra_codes])
        self._by_org = _Keys.of([c for cl in lists for c in cl.orgs],
                                [(o, b + g) for b, cl in zip(base, lists) for g, _, o in cl.extra_codes])
        self._by_name = _Keys.of(norm)
        self._norm_arr = np.array(norm, dtype=object)
        self._lens = np.fromiter((len(n) for n in norm), dtype=np.int32, count=len(norm))
        self._build_bigrams()

    @classmethod
    def build(cls, lists: list[CreditList], fuzzy_threshold: float = 88.0) -> "CreditIndex":
        return cls(list(lists), fuzzy_threshold)

    def __len__(self) -> int:
        return self._n

    @property
    def kinds(self) -> set[str]:
        return {cl.kind for cl in self.lists}

    def reports(self) -> list[dict]:
        """Each list's load report (run.json, the summary workbook, the console)."""
        return [{**cl.report(), "summary": cl.summary()} for cl in self.lists]

    def _gid(self, entry: int) -> int:
        return entry if self._entry_gid is None else int(self._entry_gid[entry])

    # bigram postings: keys sorted, entries aligned with them
    def _build_bigrams(self, chunk: int = 200_000) -> None:
        """Bigram keys are the two code points' low 16 bits packed in 32 (a rare character above
        U+FFFF only shares a posting list: more candidates, never fewer), sorted together with their
        entry in one uint64 array: half the memory of int64 keys plus an argsort permutation. Built
        `chunk` names at a time so the temporaries stay small next to the result."""
        names = self._norm
        self._bg_keys = np.zeros(0, np.uint32)
        self._bg_gids = np.zeros(0, np.int32)
        parts = []
        for lo in range(0, len(names), chunk):
            part = names[lo:lo + chunk]
            lens = np.fromiter((len(n) for n in part), dtype=np.int64, count=len(part))
            cps = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32) & np.uint32(0xFFFF)
            if len(cps) < 2:
                continue
            valid = np.ones(len(cps) - 1, dtype=bool)  # a bigram may not span two names
            last = np.cumsum(lens)[lens > 0] - 1
            valid[last[last < len(cps) - 1]] = False
            packed = cps[:-1].astype(np.uint64) << np.uint64(48)
            packed |= cps[1:].astype(np.uint64) << np.uint64(32)
            packed |= np.repeat(np.arange(lo, lo + len(part), dtype=np.uint64), lens)[:-1]
            parts.append(packed[valid])
        if not parts:
            return
        packed = np.concatenate(parts) if len(parts) > 1 else parts[0]
        del parts
        packed.sort()
        self._bg_keys = (packed >> np.uint64(32)).astype(np.uint32)
        packed &= np.uint64(0xFFFFFFFF)
        self._bg_gids = packed.astype(np.int32)

    @staticmethod
    def _query_bigrams(key: str) -> np.ndarray:
        cps = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32) & np.uint32(0xFFFF)
        return np.unique((cps[:-1] << np.uint32(16)) | cps[1:])

    def _fuzzy_candidates(self, key: str) -> np.ndarray:
        """Entries sharing the query's rarest bigrams, within reach of the threshold by length."""
        if len(key) < 2 or not len(self._bg_keys):
            return np.zeros(0, np.int32)
        q = self._query_bigrams(key)
        lo = np.searchsorted(self._bg_keys, q, "left")
        hi = np.searchsorted(self._bg_keys, q, "right")
        df = hi - lo
        order = np.argsort(df, kind="stable")
        parts, total = [], 0
        for j in order:  # rarest bigrams first, until the candidate budget is spent
            if df[j] == 0:
                continue
            if parts and total + df[j] > self.candidate_budget:
                break
            parts.append(self._bg_gids[lo[j]:hi[j]])
            total += int(df[j])
        if not parts:
            return np.zeros(0, np.int32)
        cands = np.concatenate(parts) if len(parts) > 1 else parts[0]
        # ratio >= t needs |len_a - len_b| <= (1 - t)(len_a + len_b): drop lengths that cannot reach it
        t = self.fuzzy_threshold / 100.0
        slack = 2 * (1 - t) * len(key) / t
        return cands[np.abs(self._lens[cands] - len(key)) <= slack]

    def _record(self, gid: int) -> tuple[CreditList, int]:
        li = int(np.searchsorted(self._offsets, gid, "right") - 1)
        return self.lists[li], gid - int(self._offsets[li])

    def record(self, gid: int) -> CreditRecord:
        cl, i = self._record(gid)
        former = self._former[id(cl)].get(i, ()) if cl.aliases else ()
        return CreditRecord(cl.path, cl.sha256, cl.row_numbers[i], cl.kind, cl.names[i], cl.usccs[i], cl.orgs[i],
                            cl.fields(i), cl.table_of(i).sheet, former)

    def with_code(self, code: str) -> list[CreditRecord]:
        """Records listed under this 18-character code, or under its 组织机构代码 (positions 9–17)."""
        c = uscc_mod.normalise(code)
        gids = dict.fromkeys([*self._by_uscc.get(c), *(self._by_org.get(c[8:17]) if len(c) == 18 else ())])
        return [self.record(g) for g in gids]

    def match(self, name: str | None, uscc: str | None) -> list[CreditHit]:
        """Every listed record that may be this unit, best evidence first (one hit per record)."""
        from rapidfuzz import fuzz, process

        hits: dict[int, tuple[str, float, str | None]] = {}
        code = uscc_mod.normalise(uscc) if uscc else ""
        if len(code) == 18:
            for g in self._by_uscc.get(code):
                hits.setdefault(g, ("uscc", 100.0, None))
            for g in self._by_org.get(code[8:17]):
                hits.setdefault(g, ("org_code", 100.0, None))
        elif len(code) == 9:  # a unit known only by its organisation code
            for g in self._by_org.get(code):
                hits.setdefault(g, ("org_code", 100.0, None))
        key = normalise_name(name)
        if key:
            for e in self._by_name.get(key):
                g = self._gid(e)
                hits.setdefault(g, ("exact_name", 100.0, self._norm[e] if e >= self._n else None))
            cands = self._fuzzy_candidates(key)  # may repeat an entry; hits dedupe below
            if len(cands):
                for _, score, j in process.extract(
                    key, self._norm_arr[cands], scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold,
                    limit=self.fuzzy_limit,
                ):
                    e = int(cands[j])
                    hits.setdefault(self._gid(e), ("fuzzy_name", float(score), self._norm[e] if e >= self._n else None))
        out = []
        for g, (kind, score, via) in hits.items():
            rec = self.record(g)
            conflict = False
            if kind in ("exact_name", "fuzzy_name") and len(code) in (9, 18):
                theirs = rec.uscc if len(code) == 18 else rec.org_code
                ours = code
                if theirs is None and rec.org_code and len(code) == 18:
                    theirs, ours = rec.org_code, code[8:17]
                conflict = theirs is not None and theirs != ours
            if via is not None:  # show the alias as written in the list
                via = next((a for a in rec.former_names if normalise_name(a) == via), via)
            out.append(CreditHit(kind, score, rec.list_kind, rec, conflict, via))  # type: ignore[arg-type]
        out.sort(key=lambda h: (_KIND_ORDER[h.kind], h.code_conflict, -h.score, h.record.row))
        return out


def load_credit_lists(paths: Iterable[Path], fuzzy_threshold: float = 88.0) -> CreditIndex:
    """Load every file (kind detected) and index them together. A file that cannot be used stops
    the run (RunError, one line naming it): never read as "nobody is listed"."""
    return CreditIndex.build([load_credit_list(Path(p)) for p in paths], fuzzy_threshold)
