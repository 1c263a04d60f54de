"""The printed inventory's cost: time and size at the demo size and at 2,000 groups.

    python bench/brochure.py [--groups 2000]

For each inventory (the demonstration one, then a synthetic one of --groups groups with
three meeting places each, made by finder.synthetic like `flask generate-synthetic`),
imported with the real importer into a temporary SQLite file, in the same run:
  html  — gathering the edition from the Inventory and rendering its three parts' HTML (the
          baseline: what a plain HTML page of the whole inventory would cost)
  pdf   — WeasyPrint's layout and PDF writing (finder.brochure.print_brochure): what the
          background build of /inventaire.pdf costs once per inventory version
  results — /resultats.pdf through the test client at its worst: a search whose first
          MAX_RESULTS places all belong to different groups (built inside the request)
It prints seconds (wall clock, and CPU seconds of this process: steadier when the
machine is shared), pages and size, the ratio pdf / html, the ratio of each figure at
--groups against the demo size, and the load average (the machine may be shared).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from finder import create_app  # noqa: E402
from finder.brochure import PARTS, print_brochure, render_html  # noqa: E402
from finder.db import open_database  # noqa: E402
from finder.config import DEMO_INVENTORY_NAME, PACKAGED_GEO_DIR, data_file  # noqa: E402
from finder.synthetic import write_synthetic_inventory  # noqa: E402


def load() -> str:
    return "load %.1f %.1f %.1f" % os.getloadavg()


def measure(app, path: Path) -> dict:
    from finder.db import get_geography, get_inventory
    from finder.web.brochure import MAX_RESULTS, inventory_brochure
    from finder.web.clock import request_moment
    result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        inventory, geography = get_inventory(), get_geography()
        start = time.perf_counter()
        brochure = inventory_brochure(inventory, geography, request_moment())
        html_kb = sum(len(render_html(brochure, part)) for part in PARTS) / 1024
        html_s = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        body = print_brochure(brochure, say=lambda m: print("   ", m, flush=True))
        pdf_s, pdf_cpu = time.perf_counter() - start, time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(body)).pages)
    # the results PDF at its cap: the nearest places around Namur, far enough to reach it
    start, cpu = time.perf_counter(), time.process_time()
    response = app.test_client().get("/resultats.pdf?postcode=5000&radius_km=100")
    results_s, results_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 200, response.status_code
    results_pages = len(PdfReader(io.BytesIO(response.data)).pages)
    return {"groups": brochure.group_count, "html_s": html_s, "html_kb": html_kb,
            "pdf_s": pdf_s, "pdf_cpu": pdf_cpu, "pdf_kb": len(body) / 1024, "pages": pages,
            "results_s": results_s, "results_cpu": results_cpu,
            "results_pages": results_pages, "cap": MAX_RESULTS}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=2000)
    args = parser.parse_args()
    print(load(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "bench.sqlite", create=True).close()
        app = create_app({"TESTING": True, "DATABASE": str(Path(folder) / "bench.sqlite"),
                          "GEO_DIR": str(PACKAGED_GEO_DIR), "GEOCODING_ONLINE": False,
                          "SECRET_KEY": "bench", "SCHEDULE_NOW": "2026-12-01T09:00",
                          "BROCHURE_WARM": False})
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
                  f"PDF {figures['pdf_kb']:.0f} KiB in {figures['pdf_s']:.1f} s "
                  f"({figures['pdf_cpu']:.1f} s of CPU); "
                  f"HTML (baseline) {figures['html_kb']:.0f} KiB in {figures['html_s']:.2f} s; "
                  f"ratio pdf/html time {figures['pdf_s'] / figures['html_s']:.0f}x; "
                  f"/resultats.pdf at its cap ({figures['cap']} places): "
                  f"{figures['results_pages']} pages in {figures['results_s']:.1f} s "
                  f"({figures['results_cpu']:.1f} s of CPU); "
                  f"{load()}", flush=True)
        (_, small), (_, big) = rows
        print(f"at {args.groups} groups against the demo: time x"
              f"{big['pdf_s'] / small['pdf_s']:.1f} (CPU x{big['pdf_cpu'] / small['pdf_cpu']:.1f}), size x{big['pdf_kb'] / small['pdf_kb']:.1f}, "
              f"pages x{big['pages'] / small['pages']:.1f}, groups x"
              f"{big['groups'] / small['groups']:.1f}; "
              f"seconds per 100 pages: demo {100 * small['pdf_s'] / small['pages']:.1f}, "
              f"{args.groups} groups {100 * big['pdf_s'] / big['pages']:.1f}; {load()}")


if __name__ == "__main__":
    main()
