"""Field extraction with evidence: documents (pages of lines with boxes) → ApplicationFacts.

Pure functions, one module per kind of fact; labels and phrasings in patterns/*.yaml|jsonl.
Seals and seal places are filled by the seal stage (pipeline.extract.seals), not here.

The package itself imports nothing: a page worker that needs only the seal stage
(pipeline.extract.seals) does not load every extractor (~0.1 s CPU a worker, cn2an alone ~0.05 s;
issue 18). `extract_facts` and the rest come from pipeline.extract.application on first use.
"""
from __future__ import annotations

__all__ = ["extract_facts", "facts_from_layouts", "IndicatorSpec", "default_indicators"]


def __getattr__(name: str):
    if name in __all__:
        from pipeline.extract import application

        return getattr(application, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
