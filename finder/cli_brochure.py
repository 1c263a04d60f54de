"""`flask --app finder brochure`: the printed inventory to a file, or the site's PDF
prepared for the current inventory version (--warm: what a request, an import or cron
starts; see finder/printjobs.py)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .cli import _fail, _progress
from .db import get_geography, get_inventory, get_reader_of
from .models import CHAPTER_SLUGS
from .printjobs import Edition, LayoutProgress, PrintJobs, version_tag
from .web.brochure import build_brochure, find_province, province_names


@click.command("brochure")
@with_appcontext
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier PDF à écrire (par défaut : inventaire.pdf).")
@click.option("--chapter", type=click.Choice(CHAPTER_SLUGS), help="Un seul chapitre.")
@click.option("--province", help="Une seule province (ex. Namur, Brabant wallon, Bruxelles).")
@click.option("--warm", is_flag=True,
              help="Préparer le PDF que le site sert (/inventaire.pdf) pour la version "
                   "actuelle de l'inventaire, s'il n'est pas déjà prêt (cron, systemd).")
@click.option("--online-url", default="", help="Adresse du site imprimée sur la couverture.")
@click.option("--lock-fd", type=int, hidden=True)
def brochure_command(output: Path | None, chapter: str | None, province: str | None,
                     warm: bool, online_url: str, lock_fd: int | None) -> None:
    """Imprimer l'inventaire en PDF (A4), par chapitre, comme la brochure."""
    geography = get_geography()
    name = None
    if province:
        name = find_province(geography, province)
        if name is None:
            _fail("Cette province n'est pas connue. Choisissez parmi : "
                  + ", ".join(province_names(geography)) + ".")
            return
    if warm and output:
        _fail("--warm prépare le PDF du site ; -o écrit un fichier : choisissez l'un des deux.")
        return
    if warm:
        _warm_brochure(Edition(chapter, name), online_url, lock_fd)
        return
    output = output or Path("inventaire.pdf")
    brochure, body = build_brochure(get_inventory(), geography, Edition(chapter, name),
                                    online_url=online_url or current_app.config["SITE_URL"],
                                    progress=_progress,
                                    say=lambda m: click.echo(m, err=True))
    output.write_bytes(body)
    click.echo(f"{output} : {brochure.group_count} groupes et services, "
               f"{len(body) // 1024} Ko.")


def _warm_brochure(edition: Edition, online_url: str, lock_fd: int | None) -> None:
    """Build the site's PDF of edition for the current inventory version, under the lock
    (inherited from the request that started this process, or taken: waiting for a build
    that runs). When the inventory changed meanwhile, the whole inventory's PDF is built
    again for the new version before the lock is released."""
    from .db import get_reader
    from .web.clock import request_moment
    jobs = PrintJobs.for_config(current_app.config)
    online_url = online_url or current_app.config["SITE_URL"]

    def waiting(status) -> None:
        click.echo(f"Une autre construction de brochure est en cours "
                   f"({(status or {}).get('edition', '?')}) : attente de sa fin…", err=True)
    with jobs.hold(lock_fd, on_wait=waiting):
        if lock_fd is not None:
            os.nice(10)                   # started by a request: the site's requests first
        inventory = get_inventory()
        for _ in range(3):
            tag, day = version_tag(inventory.token), request_moment().date().isoformat()
            found = jobs.find(edition, tag, day)
            if found and found.current:
                click.echo(f"Déjà prêt : {found.path}")
            else:
                _build(jobs, inventory, edition, tag, day, online_url)
            newer = get_reader().current()
            if version_tag(newer.token) == tag:
                break
            click.echo("L'inventaire a changé pendant la construction : la brochure de "
                       "l'inventaire entier est refaite pour la nouvelle version.", err=True)
            inventory, edition = newer, Edition()


def _build(jobs: PrintJobs, inventory, edition: Edition, tag: str, day: str,
           online_url: str) -> None:
    progress = LayoutProgress(jobs, edition=edition.slug, started=time.time(),
                              stage="groupes", pages=0, groups=0)
    progress.update()
    try:
        with progress.attached():
            brochure, body = build_brochure(
                inventory, get_geography(), edition, online_url=online_url,
                progress=progress.counting, on_part=progress.part,
                say=lambda m: (progress.update(stage=m), click.echo(m, err=True)))
    except Exception as exc:
        jobs.record_failure(edition, tag, f"{type(exc).__name__}: {exc}")
        raise
    path = jobs.save(edition, tag, day, body)
    jobs.record_done(edition, progress.status.get("pages", 0),
                     time.time() - progress.status["started"])
    click.echo(f"{path} : {brochure.group_count} groupes et services, {len(body) // 1024} Ko.")


def warm_after_import() -> None:
    """A new inventory version: its brochure starts building now (printjobs.PrintJobs.warm)."""
    from .web.clock import request_moment
    config = current_app.config
    if PrintJobs.for_config(config).warm(config, get_reader_of(current_app).current,
                                         request_moment().date().isoformat()):
        click.echo("La brochure PDF de cette version est en préparation, en arrière-plan "
                   "(/inventaire.pdf la servira dès qu'elle sera prête).")
