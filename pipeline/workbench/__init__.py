"""Reviewer workbench (SPEC §7): confirm or overrule each check on the page image, keep the decisions in
a database that survives reruns, read opinions back from review.docx, and write the final list and the
公示 notice. Modules: `outputs` (reads OUT), `evidence` (decision keys and hashes), `db` (append-only
decision rows, Alembic), `state` (reviews + decisions → what is open), `pages` (page images cache),
`web` (FastAPI app), `docx_import`, `export`, `cli`.
"""
