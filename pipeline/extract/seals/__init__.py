"""Official seals (公章): detection per page, reading the arc text, 骑缝章 joining, attribution to
units and the places that ask for a seal (issue 6; domain-notes §3).

Stages, one way (each module imports only the ones before it; `geometry` is their shared ground):
`detect` (with `edges`, `shape`, `scale`) finds and classifies candidates on a page →
`read` reads the name on each (`read_candidates`; `frames` keeps and scores what it saw) →
`straddles` joins 骑缝章 slices → `assemble` attributes seals to units and to the places that ask
for a seal.
Per page (worker processes): `detect_page(raster_page)` → `PageSeals` (`SealCandidate`s with
their crops, and whether the page shows colour), then `read_candidates`. Per application: `seals_from_candidates(per_page, unit_names,
crop_dir, other_names)` → `Seal`s (other parties' names: `names_on_pages`), then
`associate_places(pages, seals)` → `SealPlace`s. `find_seals` does both for a page list.
"""
from pipeline.extract.seals.assemble import (
    associate_places,
    attribute,
    find_seals,
    match_reading,
    match_unit,
    names_on_pages,
    save_crop,
    seals_from_candidates,
    trade_name_span,
)
from pipeline.extract.seals.detect import PageSeals, SealCandidate, detect_page, detect_seals
from pipeline.extract.seals.frames import SealReading, name_score
from pipeline.extract.seals.geometry import colour_state, has_colour, red_mask
from pipeline.extract.seals.read import read_candidates, read_seal, read_seal_text, unwrap_arc
from pipeline.extract.seals.straddles import join_straddles, stitch_slices

__all__ = [
    "PageSeals", "SealCandidate", "SealReading", "associate_places", "attribute", "detect_page", "detect_seals",
    "colour_state", "find_seals", "has_colour", "read_candidates",
    "join_straddles", "match_reading", "match_unit", "name_score", "names_on_pages", "read_seal",
    "read_seal_text", "red_mask", "save_crop", "seals_from_candidates", "stitch_slices", "trade_name_span",
    "unwrap_arc",
]
