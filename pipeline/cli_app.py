"""The `jiebang` typer app. Each command lives with the stage it drives, in a module exposing
`register(app)`; this file only assembles them, so owners of a stage never edit each other's code.
Heavy imports (Prefect, OCR engines) happen inside the commands, keeping `--help` fast. The entry
point is pipeline/cli.py `main`, which answers an up-to-date `run` before importing this.
"""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="jiebang",
    help="Jiebang Intake: review scanned 揭榜挂帅 application bundles (渝经信软件〔2026〕9号).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """Jiebang Intake: review scanned 揭榜挂帅 application bundles (渝经信软件〔2026〕9号).

    Start with `jiebang run BUNDLE --out DIR`; `jiebang ocr FILE` shows what OCR read.
    """


COMMAND_MODULES = (
    "flows.cli",             # run, rerun
    "pipeline.reading_cli",  # ocr
    "pipeline.samples.cli",  # samples
    "pipeline.checks.cli",   # calendar
    "pipeline.workbench.cli",  # review serve|import|export
)

for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a stage still being built
        if exc.name != _name:
            raise
        continue
    _mod.register(app)
