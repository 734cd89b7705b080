"""Review sheets (SPEC §5): what reviewers and other tools read.

- ids.application_id(entry_name, file_sha256s) — stable, filesystem-safe folder name
- atomic.safe_child(out_dir, name), write_bytes_atomic / write_text_atomic
- review.build_review(...), error_review(...), write_review_json(app_dir, review); schema in review.schema.json
- docx_sheet.write_review_docx(app_dir, review, crops_dir=None, requirements=None) — Chinese A4 checklist
  (its sections; docx_seals: the seals section with crop thumbnails; docx_format: fonts, tables, cells)
- summary.write_summary(out_dir, reviews, bundle_findings) — summary.xlsx + summary.json
Modules are imported directly (no re-exports) so importing one does not load python-docx/openpyxl.
"""
