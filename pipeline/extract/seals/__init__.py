"""Official seals (公章): detection per page, reading the arc text, 骑缝章 joining, attribution to
units and the places that ask for a seal (issue 6; domain-notes §3).

Per page (worker processes): `detect_seals(raster_page, read_text=True)` → `SealCandidate`s with
their crops and arc readings. Per application: `seals_from_candidates(per_page, unit_names,
crop_dir, other_names)` → `Seal`s (other parties' names: `names_on_pages`), then
`associate_places(pages, seals)` → `SealPlace`s. `find_seals` does both for a page list.
"""
from pipeline.extract.seals.assemble import (
    associate_places,
    attribute,
    find_seals,
    join_straddles,
    match_reading,
    match_unit,
    names_on_pages,
    save_crop,
    seals_from_candidates,
    stitch_slices,
    trade_name_span,
)
from pipeline.extract.seals.detect import SealCandidate, detect_seals, red_mask
from pipeline.extract.seals.read import SealReading, name_score, read_seal, read_seal_text, unwrap_arc

__all__ = [
    "SealCandidate", "SealReading", "associate_places", "attribute", "detect_seals", "find_seals",
    "join_straddles", "match_reading", "match_unit", "name_score", "names_on_pages", "read_seal",
    "read_seal_text", "red_mask", "save_crop", "seals_from_candidates", "stitch_slices", "trade_name_span",
    "unwrap_arc",
]
