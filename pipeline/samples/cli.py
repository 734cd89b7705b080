"""`jiebang samples OUT`: write a generated sample bundle (bundle/, credit/, truth.json)."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("samples")
    def samples(
        out: Path = typer.Argument(..., file_okay=False, help="output folder (bundle/, credit/, truth.json)"),
        seed: int = typer.Option(7, "--seed", help="same seed, same bundle and truth"),
        applications: int = typer.Option(4, "--applications", min=1, help="number of applications"),
        credit_rows: int = typer.Option(300, "--credit-rows", min=10, help="filler rows per credit list"),
        family: int = typer.Option(1, "--family", min=1, max=2,
                                   help="template family: 1 = ours (default), 2 = other calls' templates"),
    ) -> None:
        """Generate a realistic sample bundle with planted defects and its ground truth."""
        import json

        from pipeline.samples.families import generate_bundle

        try:
            generate_bundle(out, seed=seed, n_applications=applications, n_credit_rows=credit_rows,
                            family=family)
        except FileExistsError as exc:
            typer.echo(f"jiebang: {exc}", err=True)
            raise typer.Exit(code=2)
        truth = json.loads((out / "truth.json").read_text("utf-8"))
        for sub in truth["submissions"]:
            verdict = sub["expected"].get("verdict") or "-"
            typer.echo(f"{sub['entry']}  [{sub['format']}, {len(sub['pages'])} 页]  {verdict}  "
                       f"{'、'.join(sub['defects'])}")
        typer.echo(f"bundle: {out / 'bundle'}   credit: {out / 'credit'}   truth: {out / 'truth.json'}")
