"""Credit-list records as loaded: the list, its tables (sheets) and what was skipped, with the
load report each run shows (issue 14). Plain data; reading is credit_read.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.checks.credit_columns import Columns

KIND_NAMES: dict[str, str] = {"dishonest_debtor": "失信被执行人", "tax_violation": "重大税收违法失信主体"}
KIND_ALIASES = {
    "dishonest_debtor": "dishonest_debtor", "失信被执行人": "dishonest_debtor", "dishonest": "dishonest_debtor",
    "tax_violation": "tax_violation", "重大税收违法失信主体": "tax_violation", "tax": "tax_violation",
    "重大税收违法": "tax_violation",
}
SEP = "\x1f"

# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class Table:
    """One sheet's records (a CSV has one)."""

    sheet: str | None
    header: tuple[str, ...]
    header_rows: tuple[int, ...]
    columns: Columns
    start: int
    """Index of its first record in the list."""
    sep: str = SEP
    """How the stored row text splits into cells."""
    continued: bool = False
    """A sheet without a header of its own, read with the previous sheet's columns."""

    def column_name(self, i: int | None) -> str | None:
        return None if i is None else (self.header[i] or f"第{i + 1}列")


@dataclass(frozen=True)
class Skipped:
    sheet: str | None
    row: int
    reason: str
    kind: str
    """malformed | note | header"""


@dataclass
class CreditList:
    """One export: who is listed, with enough of each row to show it as evidence."""

    path: str
    sha256: str
    kind: str
    tables: list[Table] = field(default_factory=list)
    kind_source: str = ""
    names: list[str] = field(default_factory=list)
    usccs: list[str | None] = field(default_factory=list)
    orgs: list[str | None] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    """Each record's row text (cells joined by its table's `sep`): one string per row keeps a
    million rows affordable."""
    aliases: list[tuple[int, str, str]] = field(default_factory=list)
    """(record, another name of it, where from: 曾用名 column / （原名：…） / other name column)."""
    extra_codes: list[tuple[int, str | None, str | None]] = field(default_factory=list)
    """(record, USCC, org code) found in other cells of the row."""
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    """Rows kept with a problem the reviewer should know about (e.g. an ID stored as a number)."""
    removed: int = 0
    empty_sheets: list[tuple[str, str]] = field(default_factory=list)
    """(sheet, why no records were read from it)."""

    def __len__(self) -> int:
        return len(self.names)

    # backward-compatible views of the first table
    @property
    def header(self) -> tuple[str, ...]:
        return self.tables[0].header if self.tables else ()

    @property
    def columns(self) -> Columns:
        return self.tables[0].columns if self.tables else Columns()

    @property
    def header_row(self) -> int:
        return self.tables[0].header_rows[-1] if self.tables else 0

    @property
    def malformed(self) -> list[tuple[int, str]]:
        return [(s.row, s.reason) for s in self.skipped if s.kind == "malformed"]

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    def table_of(self, i: int) -> Table:
        t = self.tables[0]
        for cand in self.tables:
            if cand.start > i:
                break
            t = cand
        return t

    def fields(self, i: int) -> dict[str, str]:
        t = self.table_of(i)
        cells = self.rows[i].split(t.sep)
        return {h or f"列{j + 1}": (cells[j] if j < len(cells) else "") for j, h in enumerate(t.header)}

    def report(self) -> dict:
        """The load report (issue 14): what was read, from where, which columns were taken."""
        tables = []
        for k, t in enumerate(self.tables):
            end = self.tables[k + 1].start if k + 1 < len(self.tables) else len(self)
            c = t.columns
            tables.append({
                "sheet": t.sheet, "header_rows": list(t.header_rows), "records": end - t.start,
                "continued": t.continued,
                "columns": {
                    "name": t.column_name(c.name), "other_names": [t.column_name(i) for i in c.other_names],
                    "former_names": [t.column_name(i) for i in c.former], "codes": [t.column_name(i) for i in c.codes],
                    "date": t.column_name(c.date), "removal_date": t.column_name(c.removal),
                },
            })
        return {
            "file": Path(self.path).name, "path": self.path, "sha256": self.sha256, "kind": self.kind,
            "kind_zh": self.kind_name, "kind_from": self.kind_source, "records": len(self), "removed": self.removed,
            "rows_read": len(self) + self.removed + len(self.skipped), "former_names": len(self.aliases),
            "tables": tables,
            "skipped_rows": len(self.skipped),
            "skipped": [{"sheet": s.sheet, "row": s.row, "reason": s.reason} for s in self.skipped[:100]],
            "warnings": [{"row": r, "message": m} for r, m in self.warnings[:100]],
            "sheets_without_records": [{"sheet": s, "reason": r} for s, r in self.empty_sheets],
        }

    def summary(self) -> str:
        """One line for the console and the summary workbook."""
        s = f"{Path(self.path).name}：{self.kind_name}名单 {len(self)} 条"
        parts = []
        for t in self.tables:
            c = t.columns
            where = f"工作表“{t.sheet}”" if t.sheet else ""
            rows = "、".join(str(r) for r in t.header_rows)
            cols = [f"名称列“{t.column_name(c.name)}”" if c.name is not None else "无名称列"]
            if c.codes:
                cols.append("代码列" + "、".join(f"“{t.column_name(i)}”" for i in c.codes))
            if c.former:
                cols.append("曾用名列" + "、".join(f"“{t.column_name(i)}”" for i in c.former))
            if c.removal is not None:
                cols.append(f"撤出日期列“{t.column_name(c.removal)}”")
            head = "续表，沿用上一表头" if t.continued else f"表头第{rows}行"
            parts.append(f"{where}{head}，{'，'.join(cols)}")
        if parts:
            s += "（" + "；".join(parts) + "）"
        if self.removed:
            s += f"，已撤出 {self.removed} 条不计"
        if self.skipped:
            rows = "、".join(f"{x.row}" for x in self.skipped[:10])
            kinds = "、".join(dict.fromkeys(x.reason for x in self.skipped))
            s += f"，跳过 {len(self.skipped)} 行（第 {rows}{' 等' if len(self.skipped) > 10 else ''} 行：{kinds[:80]}）"
        if self.warnings:
            rows = "、".join(str(r) for r, _ in self.warnings[:10])
            s += f"，代码被存为数字已失真 {len(self.warnings)} 行（第 {rows}{' 等' if len(self.warnings) > 10 else ''} 行）"
        return s

