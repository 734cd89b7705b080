"""`jiebang` command line: `main` is the entry point, `app` the typer app (pipeline/cli_app.py).

A `run` whose OUT is already up to date is answered before typer is imported (flows/fastpath.py:
typer's option parsing imports pydantic, most of such a rerun's time, issue 18); every other
command line goes to typer unchanged. `app` is loaded on first use, so `from pipeline.cli import
app` (tests, an old console script) still works.
"""
from __future__ import annotations

import sys


def main() -> None:
    from flows.fastpath import answer_up_to_date

    if answer_up_to_date(sys.argv[1:]):
        raise SystemExit(0)
    from pipeline.cli_app import app

    app()


def __getattr__(name: str):
    if name == "app":
        from pipeline.cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()
