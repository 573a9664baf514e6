"""Browse the database in Datasette (``events serve``) and share a SQLite copy of it.

Datasette and datasette-cluster-map are an optional extra (``conflict-events[web]``);
only :mod:`events.web.app` and :mod:`events.web.plugin` import them, and only when
called. :mod:`events.web.metadata` writes the titles, column descriptions, facets and
canned queries at run time from the column contract (:mod:`events.views`);
:mod:`events.web.snapshot` copies a database (PostgreSQL or SQLite) into a new
SQLite file that can be served or shared.
"""

from __future__ import annotations

import importlib.util

INSTALL_HINT = 'the web interface needs Datasette: pip install "conflict-events[web]"'


def missing_web_extra() -> str | None:
    """Return the install hint when Datasette or its map plugin is missing, else None."""
    for module in ("datasette", "datasette_cluster_map"):
        if importlib.util.find_spec(module) is None:
            return INSTALL_HINT
    return None
