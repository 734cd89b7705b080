"""Credit-list exports (失信被执行人, 重大税收违法失信主体): loading and matching units against them.

Exports come as CSV in whatever encoding Excel or the agency used, or as XLSX, with header
spellings that vary between sources (domain-notes §2). We read them defensively: encoding by
trial (utf-8-sig, then gb18030 — a superset of GBK that also holds rare name characters, so
never plain gbk), header row and columns by known spellings, ID cells as text, malformed rows
skipped and reported by row number, records with a removal date (撤出日期/退出日期) not indexed.

Matching order follows domain-notes §2.4: USCC → 组织机构代码 (USCC positions 9–17) → exact
normalised name → fuzzy name (rapidfuzz). Exact keys use dicts; fuzzy names are blocked by
character bigrams (a sorted numpy posting array built in one vectorised pass) so a million-row
list loads in seconds and a unit is compared with a few thousand candidates, not all rows.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Literal

import numpy as np

from pipeline import uscc as uscc_mod
from pipeline.errors import RunError

ListKind = Literal["dishonest_debtor", "tax_violation"]
MatchKind = Literal["uscc", "org_code", "exact_name", "fuzzy_name"]

KIND_NAMES: dict[str, str] = {"dishonest_debtor": "失信被执行人", "tax_violation": "重大税收违法失信主体"}
_KIND_ALIASES = {
    "dishonest_debtor": "dishonest_debtor", "失信被执行人": "dishonest_debtor", "dishonest": "dishonest_debtor",
    "tax_violation": "tax_violation", "重大税收违法失信主体": "tax_violation", "tax": "tax_violation",
    "重大税收违法": "tax_violation",
}

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


# ------------------------------------------------------------------ headers

def _h(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s\u3000:：*＊]", "", t)


_NAME_HEADERS = {_h(x) for x in (
    "被执行人姓名/名称", "被执行人姓名／名称", "被执行人名称", "被执行人姓名", "被执行人", "失信被执行人名称",
    "失信被执行人", "姓名/名称", "姓名（名称）", "姓名(名称)", "名称", "纳税人名称", "企业名称", "单位名称",
    "主体名称", "当事人名称", "iname", "nsrmc", "name",
)}
_USCC_HEADERS = {_h(x) for x in (
    "统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码/注册号", "tyshxydm", "uscc",
)}
_ORG_HEADERS = {_h(x) for x in ("组织机构代码", "组织机构代码证号", "zzjgdm")}
_ID_HEADERS = {_h(x) for x in (
    "证件号码", "身份证号码/组织机构代码", "身份证号码/工商注册号", "身份证号码／组织机构代码", "身份证号/组织机构代码",
    "证照号码", "证件号", "纳税人识别号", "纳税人识别号/统一社会信用代码", "cardnum", "nsrsbh",
)}
_DATE_HEADERS = {_h(x) for x in (
    "发布时间", "发布日期", "公布日期", "公布时间", "列入日期", "列入时间", "立案时间", "认定日期", "publishdate", "regdate",
)}
_REMOVAL_HEADERS = {_h(x) for x in (
    "撤出日期", "退出日期", "移出日期", "撤销日期", "屏蔽日期", "删除日期", "停止公布日期", "exitdate",
)}
_DEBTOR_MARKERS = {_h(x) for x in (
    "执行法院", "案号", "失信被执行人行为具体情形", "被执行人的履行情况", "执行依据文号", "做出执行依据单位",
    "生效法律文书确定的义务", "失信人类型", "被执行人姓名/名称", "被执行人", "被执行人名称",
)}
_TAX_MARKERS = {_h(x) for x in (
    "纳税人名称", "纳税人识别号", "案件性质", "主要违法事实", "相关法律依据及税务处理处罚情况", "所属税务机关",
    "检查机关", "案件上报期", "负有直接责任的财务负责人",
)}


@dataclass(frozen=True)
class Columns:
    name: int
    uscc: int | None = None
    org: int | None = None
    ids: tuple[int, ...] = ()
    date: int | None = None
    removal: int | None = None


def _detect_columns(header: list[str]) -> Columns | None:
    keys = [_h(c) for c in header]

    def first(cands: set[str]) -> int | None:
        return next((i for i, k in enumerate(keys) if k in cands), None)

    name = first(_NAME_HEADERS)
    if name is None:
        return None
    return Columns(
        name=name,
        uscc=first(_USCC_HEADERS),
        org=first(_ORG_HEADERS),
        ids=tuple(i for i, k in enumerate(keys) if k in _ID_HEADERS),
        date=first(_DATE_HEADERS),
        removal=first(_REMOVAL_HEADERS),
    )


def _detect_kind(header: list[str]) -> str | None:
    keys = {_h(c) for c in header}
    debtor, tax = len(keys & _DEBTOR_MARKERS), len(keys & _TAX_MARKERS)
    if debtor > tax:
        return "dishonest_debtor"
    if tax > debtor:
        return "tax_violation"
    return None


# ------------------------------------------------------------------ cell values

def _cell_text(v: object) -> str:
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


def _codes(text: str) -> tuple[str | None, str | None]:
    """(USCC, 组织机构代码) found in an ID cell; a masked person ID or 工商注册号 gives neither."""
    c = text.strip().upper().replace("-", "")
    if not (c.isascii() and c.isalnum()):
        c = uscc_mod.normalise(text)
        if not (c.isascii() and c.isalnum()):
            return None, None
    n = len(c)
    if n == 18:
        if not c.isdigit():
            return c, c[8:17]
        if c[0] in "9512" and uscc_mod.is_valid(c):  # all-digit USCC (rare) vs an 18-digit person ID
            return c, c[8:17]
        return None, None
    if n == 9 and (c[8].isdigit() or c[8] == "X"):
        return None, c
    return None, None


# ------------------------------------------------------------------ the list

@dataclass
class CreditList:
    """One export: who is listed, with enough of each row to show it as evidence."""

    path: str
    sha256: str
    kind: str
    header: tuple[str, ...]
    columns: Columns
    header_row: int
    names: list[str] = field(default_factory=list)
    usccs: list[str | None] = field(default_factory=list)
    orgs: list[str | None] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    """Each row's cells joined by \\x1f (one string per row keeps a million rows affordable)."""
    malformed: list[tuple[int, str]] = field(default_factory=list)
    """Rows skipped: (row number, reason)."""
    warnings: list[tuple[int, str]] = field(default_factory=list)
    """Rows kept with a problem the reviewer should know about (e.g. an ID stored as a number)."""
    removed: int = 0

    def __len__(self) -> int:
        return len(self.names)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    def fields(self, i: int) -> dict[str, str]:
        cells = self.rows[i].split("\x1f")
        return {h or f"列{j + 1}": (cells[j] if j < len(cells) else "") for j, h in enumerate(self.header)}

    def summary(self) -> str:
        s = f"{Path(self.path).name}：{self.kind_name}名单 {len(self)} 条"
        if self.removed:
            s += f"，已撤出 {self.removed} 条不计"
        if self.malformed:
            rows = "、".join(str(r) for r, _ in self.malformed[:10])
            s += f"，跳过格式错误的行 {len(self.malformed)} 行（第 {rows}{' 等' if len(self.malformed) > 10 else ''} 行）"
        if self.warnings:
            rows = "、".join(str(r) for r, _ in self.warnings[:10])
            s += f"，代码被存为数字已失真 {len(self.warnings)} 行（第 {rows}{' 等' if len(self.warnings) > 10 else ''} 行）"
        return s


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RunError(f"信用名单编码无法识别（应为 UTF-8 或 GBK/GB18030）/ credit list encoding not recognised: {path}")


def _csv_rows(text: str) -> Iterator[list[str]]:
    first = text[: text.find("\n")] if "\n" in text else text
    delim = max((",", "\t", ";", "|"), key=first.count)
    if '"' not in text:  # nothing quoted: a plain split is 5× faster than the csv module
        lines = text.split("\n") if "\n" in text else text.split("\r")
        if lines and lines[-1] == "":
            lines.pop()
        for line in lines:
            line = line.rstrip("\r")
            yield line.split(delim) if line else []
        return
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delim)


def _xlsx_sheets(path: Path) -> Iterator[Iterator[list[str]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise RunError(f"信用名单 XLSX 文件无法打开 / cannot open credit list workbook: {path}: {exc.__class__.__name__}") from None
    try:
        for ws in wb.worksheets:
            yield ([_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def load_credit_list(path: Path, kind: str | None = None, *, as_of: dt.date | None = None) -> CreditList:
    """Read one export (CSV in UTF-8/UTF-8 BOM/GBK/GB18030, or XLSX).

    `kind` ('dishonest_debtor'/'tax_violation' or the Chinese list name) overrides detection from
    the headers. Records whose removal date is on or before `as_of` (default today) are not
    indexed. Raises RunError with one line when the file cannot be used at all.
    """
    path = Path(path)
    if kind is not None and kind not in _KIND_ALIASES:
        raise RunError(f"未知的名单类型 / unknown credit list kind: {kind!r}（应为 失信被执行人 或 重大税收违法失信主体）")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RunError(f"信用名单文件不存在 / credit list not found: {path}") from None
    except OSError as exc:
        raise RunError(f"无法读取信用名单 / cannot read credit list: {path}: {exc.strerror}") from None
    if not data.strip():
        raise RunError(f"信用名单文件为空 / credit list is empty: {path}")
    digest = _sha256(data)
    if data[:4] == b"PK\x03\x04":
        sheets: Iterable[Iterator[list]] = _xlsx_sheets(path)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RunError(f"不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV / old .xls not supported, save as .xlsx or CSV: {path}")
    elif b"\x00" in data[:4096]:
        raise RunError(f"信用名单不是文本 CSV 或 XLSX（疑似二进制文件）/ credit list is neither CSV nor XLSX: {path}")
    else:
        sheets = [_csv_rows(_decode(data, path))]
    del data
    as_of = as_of or dt.date.today()
    for rows in sheets:
        out = _read_table(rows, path, digest, kind, as_of)
        if out is not None:
            return out
    raise RunError(
        f"信用名单缺少名称列（如 被执行人姓名/名称、纳税人名称）/ credit list has no recognised name column: {path}"
    )


def _read_table(rows: Iterator[list], path: Path, digest: str, kind: str | None, as_of: dt.date) -> CreditList | None:
    header: list[str] | None = None
    cols = None
    rownum = 0
    for rownum, raw in enumerate(rows, start=1):  # the header may follow a title row or two
        cells = list(raw)
        cols = _detect_columns(cells)
        if cols is not None:
            header = cells
            break
        if rownum >= 10:
            return None
    if header is None or cols is None:
        return None
    detected = _KIND_ALIASES[kind] if kind else _detect_kind(header)
    if detected is None:
        raise RunError(
            f"无法从表头判断名单类型，请指定（失信被执行人 / 重大税收违法失信主体）/ cannot tell the list kind from the headers: {path}"
        )
    cl = CreditList(str(path), digest, detected, tuple(header), cols, rownum)
    width = len(header)
    name_i, uscc_i, org_i, ids, rem_i = cols.name, cols.uscc, cols.org, cols.ids, cols.removal
    names, usccs, orgs, nums, keep, bad = cl.names, cl.usccs, cl.orgs, cl.row_numbers, cl.rows, cl.malformed
    for n, cells in enumerate(rows, start=rownum + 1):
        m = len(cells)
        if m > width and any(c.strip() for c in cells[width:]):
            bad.append((n, f"列数 {m} 多于表头 {width} 列"))
            continue
        name = cells[name_i].strip() if name_i < m else ""
        code = org = None
        if uscc_i is not None and uscc_i < m and cells[uscc_i]:
            code, org = _codes(cells[uscc_i])
        if org_i is not None and org is None and org_i < m and cells[org_i]:
            org = _codes(cells[org_i])[1]
        for i in ids:
            if code is None and i < m and cells[i]:
                c2, o2 = _codes(cells[i])
                code, org = code or c2, org or o2
        for i in (uscc_i, org_i, *ids):
            if i is not None and i < m and "e+" in cells[i]:
                cl.warnings.append((n, f"“{header[i]}”被存为数字（{cells[i]}），代码已失真，仅按名称比对"))
        if not name and code is None and org is None:
            if any(c.strip() for c in cells):  # a blank line is no row at all
                bad.append((n, "既无名称也无统一社会信用代码/组织机构代码"))
            continue
        if rem_i is not None and rem_i < len(cells) and cells[rem_i].strip():
            removed_on = parse_date(cells[rem_i])
            if removed_on is not None and removed_on <= as_of:
                cl.removed += 1
                continue
        names.append(name)
        usccs.append(code)
        orgs.append(org)
        nums.append(n)
        keep.append("\x1f".join(cells))
    return cl


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


@dataclass(frozen=True)
class CreditHit:
    kind: MatchKind
    score: float
    """100 for exact keys, the rapidfuzz ratio of normalised names for fuzzy ones."""
    list_kind: str
    record: CreditRecord
    code_conflict: bool = False
    """Both sides carry a code and the codes differ: a name match is then probably another unit."""


class _Keys:
    """key → gids, cheap for a million mostly-unique keys: first gid in one dict, the rest aside."""

    __slots__ = ("first", "more")

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.more: dict[str, list[int]] = {}

    @classmethod
    def of(cls, keys: list[str | None]) -> "_Keys":
        """Index gid → key (None/'' skipped) in bulk: dict(zip) runs in C."""
        k = cls()
        pairs = [(key, g) for g, key in enumerate(keys) if key]
        k.first = dict(reversed(pairs))  # reversed: the smallest gid wins
        if len(k.first) < len(pairs):
            first = k.first
            for key, g in pairs:
                if first[key] != g:
                    k.more.setdefault(key, []).append(g)
        return k

    def get(self, key: str) -> list[int]:
        g = self.first.get(key)
        return [] if g is None else [g, *self.more.get(key, ())]


_KIND_ORDER = {"uscc": 0, "org_code": 1, "exact_name": 2, "fuzzy_name": 3}


class CreditIndex:
    """All loaded lists behind exact-key dicts and a bigram-blocked fuzzy name search."""

    def __init__(self, lists: list[CreditList], fuzzy_threshold: float = 88.0, candidate_budget: int = 600):
        self.lists = lists
        self.fuzzy_threshold = fuzzy_threshold
        self.candidate_budget = candidate_budget
        self.fuzzy_limit = 5
        """At most this many fuzzy hits per unit (the closest), enough evidence for a reviewer."""
        self._offsets = np.cumsum([0] + [len(cl) for cl in lists])
        self._norm = norm = normalise_names([n for cl in lists for n in cl.names])
        self._by_uscc = _Keys.of([c for cl in lists for c in cl.usccs])
        self._by_org = _Keys.of([c for cl in lists for c in cl.orgs])
        self._by_name = _Keys.of(norm)
        self._norm_arr = np.array(norm, dtype=object)
        self._lens = np.fromiter((len(n) for n in norm), dtype=np.int32, count=len(norm))
        self._build_bigrams()

    @classmethod
    def build(cls, lists: list[CreditList], fuzzy_threshold: float = 88.0) -> "CreditIndex":
        return cls(list(lists), fuzzy_threshold)

    def __len__(self) -> int:
        return len(self._norm)

    @property
    def kinds(self) -> set[str]:
        return {cl.kind for cl in self.lists}

    # bigram postings: keys sorted, gids aligned with them
    def _build_bigrams(self) -> None:
        names = self._norm
        if not names:
            self._bg_keys = np.zeros(0, np.int64)
            self._bg_gids = np.zeros(0, np.int64)
            return
        lens = np.fromiter((len(n) for n in names), dtype=np.int64, count=len(names))
        cps = np.frombuffer("".join(names).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(names), dtype=np.int64), lens)
        if len(cps) < 2:
            self._bg_keys = np.zeros(0, np.int64)
            self._bg_gids = np.zeros(0, np.int64)
            return
        keys = cps[:-1] * 0x110000 + cps[1:]
        same = owner[:-1] == owner[1:]
        keys, gids = keys[same], owner[:-1][same]
        order = np.argsort(keys, kind="stable")  # radix sort for integers: faster than quicksort here
        self._bg_keys = keys[order]
        self._bg_gids = gids[order].astype(np.int32) if len(names) < 2**31 else gids[order]

    def _fuzzy_candidates(self, key: str) -> np.ndarray:
        if len(key) < 2 or not len(self._bg_keys):
            return np.zeros(0, np.int64)
        cps = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        q = np.unique(cps[:-1] * 0x110000 + cps[1:])
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
            return np.zeros(0, np.int64)
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
        return CreditRecord(cl.path, cl.sha256, cl.row_numbers[i], cl.kind, cl.names[i], cl.usccs[i], cl.orgs[i], cl.fields(i))

    def match(self, name: str | None, uscc: str | None) -> list[CreditHit]:
        """Every listed record that may be this unit, best evidence first (one hit per record)."""
        from rapidfuzz import fuzz, process

        hits: dict[int, tuple[str, float]] = {}
        code = uscc_mod.normalise(uscc) if uscc else ""
        if len(code) == 18:
            for g in self._by_uscc.get(code):
                hits.setdefault(g, ("uscc", 100.0))
            for g in self._by_org.get(code[8:17]):
                hits.setdefault(g, ("org_code", 100.0))
        elif len(code) == 9:  # a unit known only by its organisation code
            for g in self._by_org.get(code):
                hits.setdefault(g, ("org_code", 100.0))
        key = normalise_name(name)
        if key:
            for g in self._by_name.get(key):
                hits.setdefault(g, ("exact_name", 100.0))
            cands = self._fuzzy_candidates(key)  # may repeat a gid; hits dedupe below
            if len(cands):
                for _, score, j in process.extract(
                    key, self._norm_arr[cands], scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold,
                    limit=self.fuzzy_limit,
                ):
                    hits.setdefault(int(cands[j]), ("fuzzy_name", float(score)))
        out = []
        for g, (kind, score) in hits.items():
            rec = self.record(g)
            conflict = False
            if kind in ("exact_name", "fuzzy_name") and len(code) in (9, 18):
                theirs = rec.uscc if len(code) == 18 else rec.org_code
                ours = code
                if theirs is None and rec.org_code and len(code) == 18:
                    theirs, ours = rec.org_code, code[8:17]
                conflict = theirs is not None and theirs != ours
            out.append(CreditHit(kind, score, rec.list_kind, rec, conflict))  # type: ignore[arg-type]
        out.sort(key=lambda h: (_KIND_ORDER[h.kind], h.code_conflict, -h.score, h.record.row))
        return out


def load_credit_lists(paths: Iterable[Path], fuzzy_threshold: float = 88.0) -> CreditIndex:
    """Convenience for the run: load every file (kind detected) and index them together."""
    return CreditIndex.build([load_credit_list(Path(p)) for p in paths], fuzzy_threshold)
