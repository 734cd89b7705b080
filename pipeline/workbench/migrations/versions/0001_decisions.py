"""decisions: append-only reviewer decision rows (SPEC §7)

Revision ID: 0001_decisions
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_decisions"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("unit", sa.Text, nullable=False, server_default=""),
        sa.Column("evidence_hash", sa.String(64), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_status", sa.String(20), nullable=True),
        sa.Column("new_status", sa.String(20), nullable=True),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("source", sa.String(20), nullable=False, server_default="web"),
    )
    op.create_index("ix_decisions_application_id", "decisions", ["application_id"])
    op.create_index("ix_decisions_key", "decisions", ["application_id", "rule", "unit", "id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_key", "decisions")
    op.drop_index("ix_decisions_application_id", "decisions")
    op.drop_table("decisions")
