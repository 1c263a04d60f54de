"""The inventory database's schema, as the migrations that build it (used by store.py).

PRAGMA user_version holds how many have been applied.
"""
from __future__ import annotations

# Each entry brings the schema from version i to i+1. Never edit a released one: append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE chapters (
        slug TEXT PRIMARY KEY, title TEXT NOT NULL, colour TEXT NOT NULL,
        position INTEGER NOT NULL);
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        chapter TEXT NOT NULL REFERENCES chapters(slug),
        kind TEXT NOT NULL,
        audience TEXT NOT NULL DEFAULT '[]',
        services TEXT NOT NULL DEFAULT '[]',
        cost TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        website TEXT NOT NULL DEFAULT '',
        source_url TEXT NOT NULL DEFAULT '',
        source_date TEXT NOT NULL DEFAULT '',
        checked_on TEXT NOT NULL DEFAULT '',
        demo INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL DEFAULT '');
    CREATE INDEX groups_chapter ON groups(chapter);
    CREATE TABLE themes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE group_themes (
        group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        theme_id INTEGER NOT NULL REFERENCES themes(id),
        PRIMARY KEY (group_id, theme_id));
    CREATE INDEX group_themes_theme ON group_themes(theme_id);
    CREATE TABLE places (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        street TEXT NOT NULL DEFAULT '',
        postcode TEXT NOT NULL DEFAULT '',
        locality TEXT NOT NULL DEFAULT '',
        commune_nis TEXT NOT NULL,
        commune_name TEXT NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        precision TEXT NOT NULL CHECK (precision IN ('exact', 'locality', 'commune')),
        show_exact INTEGER NOT NULL DEFAULT 1,
        schedule TEXT NOT NULL DEFAULT '');
    CREATE INDEX places_group ON places(group_id);
    CREATE INDEX places_commune ON places(commune_nis);
    CREATE INDEX places_lat_lon ON places(lat, lon);
    CREATE TABLE geocode_cache (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, stored_at REAL NOT NULL);
    """,
    # 2: the point the public may see (the commune's point when show_exact is off), so
    # search ranks and measures hidden places by it and never by their private point.
    # Hidden places of an older import get theirs at the next import; until then search
    # leaves them out rather than use the private point.
    """
    ALTER TABLE places ADD COLUMN public_lat REAL;
    ALTER TABLE places ADD COLUMN public_lon REAL;
    UPDATE places SET public_lat = lat, public_lon = lon WHERE show_exact = 1;
    """,
    # 3: maintainers' accounts (store_accounts.py). No default account: `flask users add`.
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL);
    """,
    # 4: the schedule as data beside its text (JSON of finder.schedule.Schedule.to_dict).
    # '' for places of an older import: the store parses their text when reading them,
    # until the next import stores the structure.
    """
    ALTER TABLE places ADD COLUMN schedule_data TEXT NOT NULL DEFAULT '';
    """,
    # 5: every change made in the browser, for groups and their places (store_history.py),
    # and who put a place on the map by hand.
    """
    ALTER TABLE places ADD COLUMN placed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE places ADD COLUMN placed_at TEXT NOT NULL DEFAULT '';
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        group_slug TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        before TEXT,
        after TEXT,
        version INTEGER NOT NULL,
        undoes INTEGER REFERENCES changes(id),
        undone_by INTEGER REFERENCES changes(id));
    CREATE INDEX changes_group ON changes(group_slug, id);
    CREATE INDEX changes_version ON changes(version);
    """,
    # 6: proposals from the public (store_proposals.py): never public until an editor
    # accepts one; the proposer's e-mail is deleted with the proposal.
    """
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('new', 'correction')),
        group_slug TEXT,
        data TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL);
    """,
    # 7: what the sources leave in doubt (shown to the public), and what kind of address a
    # place is: only a meeting place ('reunion') is listed as a meeting in the feed.
    """
    ALTER TABLE groups ADD COLUMN notes TEXT NOT NULL DEFAULT '';
    ALTER TABLE places ADD COLUMN address_kind TEXT NOT NULL DEFAULT 'reunion'
        CHECK (address_kind IN ('reunion', 'siege', 'courrier', 'contact'));
    """,
    # 8: text search. group_text is the FTS5 index of what a person may type about a group
    # (written with the group at import: store.write_group); group_text_terms its
    # vocabulary (misspelling tolerance). audience_kinds: the audience normalised at import
    # (audience.py); older rows get theirs at the next import, which rewrites every group.
    """
    ALTER TABLE groups ADD COLUMN audience_kinds TEXT NOT NULL DEFAULT '[]';
    CREATE VIRTUAL TABLE group_text USING fts5(
        name, organisation, themes, audience, services, description,
        tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE group_text_terms USING fts5vocab(group_text, row);
    INSERT INTO group_text (rowid, name, organisation, themes, audience, services, description)
        SELECT g.id, g.name, '',
               coalesce((SELECT group_concat(t.name, ' ; ') FROM group_themes gt
                         JOIN themes t ON t.id = gt.theme_id WHERE gt.group_id = g.id), ''),
               g.audience, g.services, g.description
        FROM groups g;
    """,
    # 9: group_text_instances, every token of the text index (term, row, column, offset):
    # textscore.py computes bm25 from it in memory, once per inventory version, instead of
    # SQLite row by row. A view of the FTS5 index: it stores nothing.
    """
    CREATE VIRTUAL TABLE group_text_instances USING fts5vocab(group_text, instance);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
