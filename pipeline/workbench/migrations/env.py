"""Alembic environment: runs on the connection the workbench hands over (no alembic.ini needed)."""
from alembic import context

from pipeline.workbench.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
