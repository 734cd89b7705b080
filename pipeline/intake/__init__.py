"""Bundle intake: a folder or a .zip in, the list of submissions out (SPEC §2).

A district's bundle is untrusted input. A zip is extracted entry by entry, each checked before a
byte is written (archive: traversal, links, encryption, zip bombs); entries that cannot or must
not be read become that submission's errors (entries); names that are not UTF-8 are decoded
(names); sizes, counts and budgets live in pipeline/intake.yaml (limits); bundle opens the lot.
"""
from pipeline.intake.bundle import Bundle, check_bundle_file, open_bundle
from pipeline.intake.limits import Limits, default_limits

__all__ = ["Bundle", "Limits", "check_bundle_file", "default_limits", "open_bundle"]
