"""`jiebang ocr FILE`: each page's text with its mean confidence — the operator's debugging aid."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("ocr")
    def ocr(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="PDF, TIFF, JPEG, PNG or DOCX"),
        ocr_engine: str = typer.Option("cascade", "--ocr-engine", help="tesseract | rapidocr | cascade"),
        workers: int = typer.Option(1, "--workers", min=1, help="OCR processes (one per core is best)"),
        json_out: bool = typer.Option(False, "--json", help="print the Document as JSON instead of text"),
        lines: bool = typer.Option(False, "--lines", help="show each line's confidence, engine and box"),
    ) -> None:
        """Print each page's text with its mean OCR confidence (text-layer pages need no OCR)."""
        from rich.console import Console

        from pipeline.ocr.base import available
        from pipeline.reading import read_document, shutdown_pools

        if ocr_engine not in available():
            raise typer.BadParameter(f"unknown engine {ocr_engine!r}; choose from {', '.join(available())}")
        console = Console(stderr=True)
        with console.status(f"reading {file.name} …"):
            try:
                result = read_document(file.parent, file.name, engine=ocr_engine, workers=workers)
            finally:
                shutdown_pools()
        doc = result.document
        if json_out:
            typer.echo(result.model_dump_json(indent=2))
            return
        typer.echo(f"# {doc.file}  kind={doc.kind}  pages={doc.page_count}  sha256={doc.sha256[:12]}…  {result.seconds:.1f}s")
        for err in doc.errors:
            typer.echo(f"! {err.code}: {err.message}" + (f" (page {err.page})" if err.page else ""))
        for page in doc.pages:
            rot = f"  rotated={page.rotation}°" if page.rotation else ""
            typer.echo(f"\n--- page {page.number}  source={page.source}  engine={page.engine or '-'}  "
                       f"confidence={page.mean_confidence:.2f}{rot}")
            for line in page.lines:
                if lines:
                    box = ",".join(f"{v:.3f}" for v in line.bbox)
                    typer.echo(f"[{line.confidence:.2f} {line.engine:9s} {box}] {line.text}")
                else:
                    typer.echo(line.text)
        if doc.errors and not doc.pages:
            raise typer.Exit(code=2)
