"""Decisions in a database (SPEC §7): append-only rows, the latest per (application, rule, unit) counts.

SQLite `OUT/decisions.sqlite` by default, any SQLAlchemy URL (PostgreSQL via psycopg 3) with the same
code. The schema is created and upgraded by the Alembic scripts shipped in `migrations/`, run on open.
Rows are never updated or deleted: the history of who decided what, when, on which evidence, stays.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Index, Integer, String, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

DB_FILE = "decisions.sqlite"
_MIGRATIONS = Path(__file__).parent / "migrations"

ACTIONS = ("confirm", "overrule", "comment", "seal_confirm", "seal_reassign", "seal_reject")
"""confirm: the automatic status stands; overrule: a new status (comment required); comment: a note that
decides nothing (new_status NULL); seal_*: a seal's attribution (rule 'seal', unit = the seal's place)."""


class Base(DeclarativeBase):
    pass


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_key", "application_id", "rule", "unit", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(String(200), index=True)
    rule: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(Text, default="")
    evidence_hash: Mapped[str] = mapped_column(String(64))
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    old_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    new_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    """seal_reassign: the unit the seal now belongs to."""
    source: Mapped[str] = mapped_column(String(20), default="web")
    """web / docx (imported from review.docx)."""


@dataclass(frozen=True)
class NewDecision:
    application_id: str
    rule: str
    unit: str
    evidence_hash: str
    reviewer: str
    action: str
    old_status: str | None
    new_status: str | None
    comment: str = ""
    value: str | None = None
    source: str = "web"


def database_url(out: Path, url: str | None) -> str:
    """`--db` as given (postgresql:// means psycopg 3), else SQLite in OUT."""
    if not url:
        return f"sqlite:///{(Path(out) / DB_FILE).resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision shipped with the package."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Repository:
    """The only code that reads or writes decision rows."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, out: Path, url: str | None = None) -> "Repository":
        engine = create_engine(database_url(out, url), future=True, pool_pre_ping=True)
        migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def add(self, decisions: Iterable[NewDecision], *, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.timezone.utc)
        rows = []
        for d in decisions:
            if d.action not in ACTIONS:
                raise ValueError(f"unknown action {d.action!r}")
            rows.append(Decision(
                application_id=d.application_id, rule=d.rule, unit=d.unit, evidence_hash=d.evidence_hash,
                reviewer=d.reviewer, decided_at=now, old_status=d.old_status, new_status=d.new_status,
                comment=d.comment, action=d.action, value=d.value, source=d.source))
        with Session(self.engine) as s, s.begin():
            s.add_all(rows)
        return len(rows)

    def history(self, application_id: str | None = None) -> list[Decision]:
        """Rows oldest first (for one application, or all)."""
        q = select(Decision).order_by(Decision.id)
        if application_id is not None:
            q = q.where(Decision.application_id == application_id)
        with Session(self.engine, expire_on_commit=False) as s:
            rows: Sequence[Decision] = s.scalars(q).all()
            s.expunge_all()
        return list(rows)
