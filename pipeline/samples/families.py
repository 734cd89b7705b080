"""Which template family writes a sample bundle: 1 = ours (pipeline.samples.generator), 2 = written
from other calls' templates (pipeline.samples.family2). Kept apart so neither family imports the other's
entry point."""
from __future__ import annotations

from pathlib import Path


def generate_bundle(out_dir: Path, *, family: int = 1, **kwargs) -> Path:
    if family == 1:
        from pipeline.samples.generator import generate_bundle as generate
    elif family == 2:
        from pipeline.samples.family2.bundle import generate_bundle as generate
    else:
        raise ValueError(f"unknown sample family {family}")
    return generate(out_dir, **kwargs)
