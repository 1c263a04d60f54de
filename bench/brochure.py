"""The printed inventory's cost: time and size at the demo size and at 2,000 groups.

    python bench/brochure.py [--groups 2000]

For each inventory (the demonstration one, then a synthetic one of --groups groups with
three meeting places each, made by finder.synthetic like `flask generate-synthetic`),
imported with the real importer into a temporary SQLite file, in the same run:
  html  — gathering the edition from the Inventory and rendering its HTML (the baseline:
          what a plain HTML page of the whole inventory would cost)
  pdf   — WeasyPrint's layout and PDF writing of that HTML (what /inventaire.pdf costs
          the first time per inventory version; later requests are served from memory)
It prints seconds, pages and size, the ratio pdf / html, and the ratio of each figure at
--groups against the demo size.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder import create_app  # noqa: E402
from finder.brochure import render_html, render_pdf  # noqa: E402
from finder.db import open_database  # noqa: E402
from finder.config import DEMO_INVENTORY_NAME, PACKAGED_GEO_DIR, data_file  # noqa: E402
from finder.synthetic import write_synthetic_inventory  # noqa: E402


def measure(app, path: Path) -> dict:
    from finder.db import get_geography, get_inventory
    from finder.web.brochure import inventory_brochure
    from finder.web.clock import request_moment
    result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        inventory, geography = get_inventory(), get_geography()
        start = time.perf_counter()
        brochure = inventory_brochure(inventory, geography, request_moment())
        html = render_html(brochure)
        html_s = time.perf_counter() - start
        start = time.perf_counter()
        body = render_pdf(html, progress=lambda m: print("   ", m, flush=True))
        pdf_s = time.perf_counter() - start
    from pypdf import PdfReader
    import io
    pages = len(PdfReader(io.BytesIO(body)).pages)
    return {"groups": brochure.group_count, "html_s": html_s, "html_kb": len(html) / 1024,
            "pdf_s": pdf_s, "pdf_kb": len(body) / 1024, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "bench.sqlite", create=True).close()
        app = create_app({"TESTING": True, "DATABASE": str(Path(folder) / "bench.sqlite"),
                          "GEO_DIR": str(PACKAGED_GEO_DIR), "GEOCODING_ONLINE": False,
                          "SECRET_KEY": "bench", "SCHEDULE_NOW": "2026-12-01T09:00"})
        synthetic = Path(folder) / "synthetic.csv"
        with app.app_context():
            from finder.db import get_geography
            write_synthetic_inventory(get_geography(), args.groups * 3, synthetic)
        rows = []
        for label, path in (("demo", data_file(DEMO_INVENTORY_NAME)),
                            (f"{args.groups} groupes", synthetic)):
            print(f"{label}:", flush=True)
            figures = measure(app, path)
            rows.append((label, figures))
            print(f"  {figures['groups']} groups, {figures['pages']} pages, "
                  f"PDF {figures['pdf_kb']:.0f} KiB in {figures['pdf_s']:.1f} s; "
                  f"HTML (baseline) {figures['html_kb']:.0f} KiB in {figures['html_s']:.2f} s; "
                  f"ratio pdf/html time {figures['pdf_s'] / figures['html_s']:.0f}x", flush=True)
        (_, small), (_, big) = rows
        print(f"at {args.groups} groups against the demo: time x"
              f"{big['pdf_s'] / small['pdf_s']:.1f}, size x{big['pdf_kb'] / small['pdf_kb']:.1f}, "
              f"pages x{big['pages'] / small['pages']:.1f}, groups x"
              f"{big['groups'] / small['groups']:.1f}; "
              f"seconds per 100 pages: demo {100 * small['pdf_s'] / small['pages']:.1f}, "
              f"{args.groups} groups {100 * big['pdf_s'] / big['pages']:.1f}")


if __name__ == "__main__":
    main()
