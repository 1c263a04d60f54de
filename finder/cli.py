"""Maintenance commands: `flask --app finder <command>`.

import / export the inventory, locate a place, search from the terminal,
generate a synthetic inventory for benchmarks.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .config import DEMO_INVENTORY_NAME, data_file
from .db import database_missing, geocoder_chain, get_geography, get_inventory, get_store
from .geocoding import PRECISION_WORDS
from .inventory_file import InventoryFileError, visible, write_csv
from .models import CHAPTER_SLUGS, Query
from .store import StoreError


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _progress(label: str, items: list):
    return click.progressbar(items, label=label, file=sys.stderr, show_pos=True)


def make_chain(store):
    return geocoder_chain(store)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--demo", is_flag=True,
              help="Importer l'inventaire de démonstration livré avec le paquet.")
@click.option("--skip-invalid", is_flag=True,
              help="Importer les lignes valides même si d'autres sont en erreur.")
@click.option("--force", is_flag=True,
              help="Importer même un fichier sans données, ou qui retire plus de la moitié "
                   "des groupes.")
def import_command(path: Path | None, demo: bool, skip_invalid: bool, force: bool) -> None:
    """Importer un inventaire (CSV ou XLSX, une ligne par lieu de réunion)."""
    from .importer import import_file
    if demo == (path is not None):
        _fail("Indiquez soit le fichier à importer, soit --demo (l'inventaire de "
              "démonstration livré avec le paquet).")
        return
    if demo:
        path = data_file(DEMO_INVENTORY_NAME)
    store = get_store(create=True)
    try:
        report = import_file(
            store, get_geography(), make_chain(store), path, skip_invalid=skip_invalid,
            force=force, progress=_progress,
            on_wait=lambda: click.echo("Un autre import écrit dans la base : celui-ci attend "
                                       "qu'il ait fini, puis remplacera l'inventaire.", err=True))
    except (InventoryFileError, StoreError) as exc:
        _fail(f"Import refusé : {visible(str(exc))}")
        return
    for problem in report.problems:
        click.echo(f"  {visible(path.name)}, {problem}", err=True)
    if report.refusal:
        _print_plan(report)
        _fail(f"Import refusé : {report.refusal} Rien n'a été modifié.", code=1)
        return
    if report.edited_since_export:
        _print_plan(report)
    if not report.applied:
        _fail(f"Import refusé : {len(report.problems)} problème(s) dans {path.name}. "
              "Rien n'a été modifié. Corrigez le fichier, ou relancez avec --skip-invalid "
              "pour importer les lignes valides.", code=1)
        return
    for remark in report.remarks:
        click.echo(f"  remarque, {path.name}, {remark}", err=True)
    counts = store.counts()
    precision = ", ".join(f"{n} {PRECISION_WORDS.get(k, k)}"
                          for k, n in sorted(report.places_by_precision.items()))
    click.echo(
        f"Import terminé : {report.added} ajouté(s), {report.updated} mis à jour, "
        f"{report.removed} retiré(s), {report.unchanged} inchangé(s)"
        + (f", {report.skipped_groups} groupe(s) ignoré(s) pour erreurs" if report.skipped_groups else "")
        + ".")
    click.echo(f"Lieux : {sum(report.places_by_precision.values())} ({precision or 'aucun'}); "
               f"{report.everywhere} service(s) sans lieu (accessibles partout).")
    if report.schedules:
        dated = report.schedules.get("recurring", 0)
        review = report.schedules.get("unknown", 0)
        click.echo(f"Horaires : {sum(report.schedules.values())}, dont {dated} avec des dates "
                   f"calculées et {review} non compris (gardés comme texte"
                   + (" : flask --app finder schedules --unparsed" if review else "") + ").")
    click.echo(f"Inventaire : {counts['groups']} groupes, {counts['places']} lieux.")
    from .cli_brochure import warm_after_import
    warm_after_import()


def _print_plan(report) -> None:
    """What the file would change, and which of those groups were edited in the browser."""
    if not report.edited_since_export:
        return
    words = {"added": "ajouté", "updated": "mis à jour", "removed": "retiré"}
    click.echo("Ce que ce fichier changerait :", err=True)
    for kind, slugs in report.plan.items():
        for slug in slugs:
            changes = report.edited_since_export.get(slug, [])
            note = ""
            if changes:
                last = changes[-1]
                note = (f"  ← modifié dans le navigateur depuis l'export ({len(changes)} fois, "
                        f"dernière fois le {last.at[:16].replace('T', ' ')} par "
                        f"{visible(last.who)})")
            click.echo(f"  {words[kind]} : {visible(slug)}{note}", err=True)


@click.command("export")
@with_appcontext
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), default="csv")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier de sortie (par défaut : la sortie standard).")
def export_command(fmt: str, output: Path | None) -> None:
    """Exporter l'inventaire (CSV ré-importable, ou GeoJSON)."""
    from .exporter import geojson_inventory
    store = get_store()
    groups = store.all_groups()
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            write_csv(groups, out, version=store.inventory_version())
        else:
            json.dump(geojson_inventory(groups), out, ensure_ascii=False, indent=1)
            out.write("\n")
    finally:
        if output:
            out.close()


@click.command("locate")
@with_appcontext
@click.argument("text")
def locate_command(text: str) -> None:
    """Situer un code postal, une localité ou une commune (JSON sur la sortie standard)."""
    resolved = get_geography().resolve(text)
    if not resolved.ok:
        _fail(_not_placed(resolved))
    click.echo(json.dumps(resolved.as_dict(), ensure_ascii=False))


def _not_placed(resolved) -> str:
    """Why a text is not one place ("4000 Maastricht", "6211 AB"), with the suggestions."""
    message = resolved.message
    if resolved.suggestions and "Suggestions" not in message:
        message += " Suggestions : " + ", ".join(resolved.suggestions) + "."
    return message


@click.command("search")
@with_appcontext
@click.option("--postcode", help="Code postal, localité ou commune d'origine.")
@click.option("--radius-km", type=click.FloatRange(0.1, 300), default=None)
@click.option("--chapter", type=click.Choice(CHAPTER_SLUGS))
@click.option("--theme")
@click.option("--commune", help="Nom ou code INS de la commune.")
@click.option("--q", "text", help="De quoi s'agit-il ? (mots, comme sur le site).")
@click.option("--limit", type=click.IntRange(1, 100000), default=None)
@click.option("--json", "as_json", is_flag=True)
def search_command(postcode, radius_km, chapter, theme, commune, text, limit,
                   as_json) -> None:
    """Chercher des groupes, les plus proches d'abord (avec --q : les plus pertinents)."""
    from .search import search
    from .web.api_formats import group_with_places, public_results, text_dict
    geography = get_geography()
    lat = lon = None
    if postcode:
        origin = geography.resolve(postcode)
        if not origin.ok:
            _fail(_not_placed(origin))
        lat, lon = origin.lat, origin.lon
    nis = None
    if commune:
        found = geography.find_commune(commune)
        if found is None:
            _fail(f"Commune inconnue : « {commune} ».")
        nis = found.nis
    if postcode and radius_km is None:
        radius_km = 20.0
    if text:
        from .web.params import parse_text
        text, problem = parse_text(text)
        if problem:
            _fail(problem)
    inventory = get_inventory()
    outcome = search(inventory.store(), Query(lat=lat, lon=lon, radius_km=radius_km,
                                              chapter=chapter, theme=theme, commune_nis=nis,
                                              text=text or None, limit=limit),
                     inventory.index, inventory.text_index)
    if as_json:   # what the API publishes: hidden places at their commune only
        click.echo(json.dumps({
            "count": outcome.total,
            "text": text_dict(outcome.text),
            "results": public_results(outcome.results, geography),
            "nearest_outside_radius": public_results(outcome.nearest_outside, geography),
            "everywhere": [group_with_places(g, geography) for g in outcome.everywhere],
        }, ensure_ascii=False, indent=1))
        return
    if not outcome.results:
        click.echo("Aucun groupe ne correspond" + (f" à moins de {radius_km:g} km." if lat else "."))
        for r in outcome.nearest_outside:
            click.echo(f"  plus proche : {r.distance_km:6.1f} km  {r.group.name} — {r.place.address_line()}")
    for r in outcome.results:
        distance = f"{r.distance_km:6.1f} km  " if r.distance_km is not None else ""
        relevance = f"pertinence {r.relevance:.2f}  " if r.relevance is not None else ""
        click.echo(f"{distance}{relevance}{r.group.name} — {r.place.address_line()}")
    if outcome.everywhere:
        click.echo("Accessibles partout (téléphone, internet) : "
                   + "; ".join(g.name for g in outcome.everywhere))


@click.command("generate-synthetic")
@with_appcontext
@click.argument("places", type=click.IntRange(1, 100000))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=1)
def generate_synthetic_command(places: int, output: Path, seed: int) -> None:
    """Écrire un inventaire synthétique (faux noms) pour les tests de charge."""
    from .synthetic import write_synthetic_inventory
    write_synthetic_inventory(get_geography(), places, output, seed=seed)
    click.echo(f"{places} lieux synthétiques écrits dans {output}.")


@click.command("schedules")
@with_appcontext
@click.option("--unparsed", is_flag=True,
              help="Seulement les horaires (ou parties d'horaire) non compris.")
@click.option("--next", "count", type=click.IntRange(1, 20), default=1,
              help="Nombre de prochaines dates à montrer par lieu.")
def schedules_command(unparsed: bool, count: int) -> None:
    """Lister les horaires de l'inventaire : compris (prochaines dates) ou non."""
    from .schedule import local_now, schedule_view
    from .schedule.school import load_calendar
    calendar = load_calendar()
    now = local_now()
    shown = 0
    for group in get_store().all_groups():
        for place in group.places:
            schedule = place.schedule_parsed
            if schedule is None or not schedule.text:
                continue
            if unparsed and schedule.understood and not schedule.unparsed:
                continue
            shown += 1
            where = place.label or place.locality or place.commune_name
            click.echo(f"{group.slug} — {where} : « {schedule.text} »")
            if schedule.status == "unknown":
                click.echo(f"    non compris : {schedule.reason}")
            else:
                for part in schedule.unparsed:
                    click.echo(f"    partie non comprise : « {part} »")
            if not unparsed:
                view = schedule_view(schedule, now, count=count, calendar=calendar)
                for line in view.upcoming or (view.note,):
                    click.echo(f"    {line}")
    if unparsed:
        click.echo(f"{shown} horaire(s) à revoir (gardés tels quels, sans date calculée).")
    click.echo(f"Calendrier scolaire (hors congés scolaires) : années couvertes : "
               f"{calendar.coverage()}.")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Créer la base de l'inventaire (vide) ; une base existante n'est pas effacée."""
    path = current_app.config["DATABASE"]
    created = database_missing(path)
    store = get_store(create=True)
    if created:
        click.echo(f"Base créée : {path}. Elle est vide : importez un inventaire "
                   f"(flask --app finder import <fichier>).")
    else:
        click.echo(f"La base {path} existe déjà ({store.counts()['groups']} groupes) : "
                   f"rien n'a été effacé.")


def init_app(app: Flask) -> None:
    for command in (import_command, init_db_command, export_command, locate_command,
                    search_command, generate_synthetic_command, schedules_command):
        app.cli.add_command(command)
    from .cli_brochure import brochure_command
    app.cli.add_command(brochure_command)
    from .cli_users import users
    app.cli.add_command(users)
