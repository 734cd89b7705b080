"""Serve the bundle flow from one long-lived process (no work pool needed): `python -m flows.serve`.

Use this on a single machine next to `prefect server start`; for several machines use the work pool
in prefect.yaml and start one `prefect worker` per machine (docs/operations.md). The served process
keeps its OCR page pool warm between runs, so the model load is paid once.
"""
from __future__ import annotations

import argparse

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)

DEPLOYMENT = "review-bundle"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", default=DEPLOYMENT, help="deployment name")
    ap.add_argument("--limit", type=int, default=1, help="flow runs at once in this process")
    ap.add_argument("--workers", type=int, default=2, help="default OCR processes per run")
    args = ap.parse_args(argv)

    from flows.bundle import review_bundle

    review_bundle.serve(name=args.name, limit=args.limit, tags=["jiebang"],
                        parameters={"workers": args.workers}, print_starting_message=True)


if __name__ == "__main__":
    main()
