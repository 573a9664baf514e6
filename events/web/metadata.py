"""The Datasette metadata of a served database, written at run time.

Titles, descriptions of every view column (from :data:`events.views.COLUMN_DESCRIPTIONS`,
the column contract's home, never a second copy), the licence and source notes, default
sorts and facets, and the canned queries a researcher starts from. The SQL is SQLite's
(Datasette serves SQLite only; a PostgreSQL database is served through ``events snapshot``).
"""

from __future__ import annotations

from typing import Any

from events import EXTRACTOR_VERSION, __version__
from events.views import VIEWS, describe_column

#: The name the served database has in Datasette's URLs (/events/events_flat ...), whatever
#: the file is called, so that links and the event page's template do not depend on it.
DB_NAME = "events"

LICENSE = "Extracted data: as the articles' terms allow; software: Apache-2.0"
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
SOURCE = f"conflict-events {__version__}, extractor {EXTRACTOR_VERSION}"

DATABASE_DESCRIPTION = (
    "Claimed conflict events read from news articles. Start with events_flat (one row per "
    "event; the map shows those with coordinates) or claims_flat (one row per claim, with "
    "its evidence sentence and who says so). The event page (canned query 'event', or a "
    "click on any event_id) shows an event's claims side by side; 'contested_events' lists "
    "the events whose sources disagree, with each rival figure and who gives it."
)


def _database_html(base: str) -> str:
    """The database page's introduction, with links to where a researcher starts."""
    return (
        "<p>Claimed conflict events read from news articles. Start with "
        f'<a href="{base}/events_flat">events_flat</a> (one row per event, with facets and a '
        f'map) or <a href="{base}/claims_flat">claims_flat</a> (one row per claim: its '
        "evidence sentence, who says so, how firmly). Click any event_id for the event page: "
        "its claims side by side. "
        f'<a href="{base}/contested_events">Contested events</a> lists the events whose '
        "sources disagree, each rival figure with who gives it (from "
        f'<a href="{base}/contradictions">contradictions</a>); '
        f'<a href="{base}/map">the map</a> shows the events with coordinates.</p>'
    )


TABLE_TEXT: dict[str, tuple[str, str]] = {
    "events_flat": (
        "Events",
        "One row per event, reconstructed from its claims (fatalities low/best/high across "
        "them). Click an event_id for its claims side by side.",
    ),
    "claims_flat": (
        "Claims",
        "One row per claim: the evidence sentence, who claims it, how firmly, and the "
        "figures it gives. Rejected claims are hidden.",
    ),
    "contradictions": (
        "Contradictions",
        "Who says what: one row per event, disputed field and claimed value, with the "
        "claimants, sources and modalities behind each value.",
    ),
}

#: Facets shown by default. Each costs a pass over the view (about 0.3 s per 100,000
#: claims on SQLite), so the claims get the five a researcher filters by most.
FACETS = {
    "events_flat": ("country", "event_type", "acled_event_type", "contested"),
    "claims_flat": ("country", "event_type", "modality", "source", "claimant"),
    "contradictions": ("field",),
}
SORT_DESC = {"events_flat": "date_start", "claims_flat": "date_start"}
#: Internal tables a researcher does not need to see in the list.
HIDDEN_TABLES = ("alembic_version", "article_bands")


def _canned_queries(base: str) -> dict[str, dict[str, Any]]:
    """The canned queries; ``base`` is the database's URL path (links in map pop-ups)."""
    event_link = f"'{base}/event?event_id=' || event_id"
    return {
        "event": {
            "title": "Event: its claims side by side",
            "hide_sql": True,
            "description": "Every claim of one event: claimant, relay, modality, figures and "
            "the evidence sentence with its trigger marked.",
            "sql": """select
  c.claim_id, c.event_id, c.article_id, c.source, c.claimant, c.claimant_country,
  c.relayed_by, c.modality, c.confidence, c.fatalities_low, c.fatalities_best,
  c.fatalities_high, c.event_type, c.event_mode, c.acled_event_type, c.date_start,
  c.date_end, c.date_text, c.location, c.country, c.actor1, c.actor2, c.section,
  c.sentence, c.trigger, cl.trigger_start - cl.char_start as trigger_offset,
  c.article_title, c.article_published, c.article_url,
  e.event_type as event_event_type, e.acled_event_type as event_acled_event_type,
  e.date_start as event_date_start, e.date_end as event_date_end,
  e.location as event_location, e.country as event_country, e.actor1 as event_actor1,
  e.actor2 as event_actor2, e.fatalities_low as event_fatalities_low,
  e.fatalities_best as event_fatalities_best, e.fatalities_high as event_fatalities_high,
  e.num_claims as event_num_claims, e.num_sources as event_num_sources,
  e.contested as event_contested, e.contested_fields as event_contested_fields,
  e.link_reason as event_link_reason
from claims_flat c
join claims cl on cl.id = c.claim_id
left join (select * from events_flat where event_id = :event_id) e
  on e.event_id = c.event_id
where c.event_id = :event_id
order by c.article_published, c.claim_id""",
        },
        "article": {
            "title": "Article text",
            "hide_sql": True,
            "description": "The article's cleaned text with each claim's evidence marked.",
            "sql": """select
  ar.id as article_id, ar.title, s.name as source, ar.url, ar.published, ar.external_id,
  ar.extractor_version, ar.body,
  (select json_group_array(json_object('claim_id', c.id, 'event_id', c.event_id,
     'start', c.char_start, 'end', c.char_end))
   from claims c
   where c.article_id = ar.id and c.section = 'body' and c.status <> 'rejected') as evidence
from articles ar
left join sources s on s.id = ar.source_id
where ar.id = :article_id""",
        },
        "events_by_country_month": {
            "title": "Events by country and month",
            "description": "Events, their summed fatalities (low, best, high) and how many are "
            "contested, per country and month. Leave country empty for all.",
            "sql": """select country, substr(date_start, 1, 7) as month, count(*) as events,
  sum(fatalities_low) as fatalities_low, sum(fatalities_best) as fatalities_best,
  sum(fatalities_high) as fatalities_high, sum(contested) as contested_events
from events_flat
where :country = '' or country = upper(:country)
group by country, month
order by country, month""",
        },
        "contested_events": {
            "title": "Contested events and their rival figures",
            "description": "Events whose claims disagree: each claimed value with who gives it. "
            "Give a field (fatalities, date, location, actor1 ...) or leave it empty.",
            "sql": """select x.event_id, e.date_start, e.event_type, e.location, e.country,
  x.field, x.value, x.claimants, x.sources, x.modalities, x.num_claims, x.claim_ids
from contradictions x
join events_flat e on e.event_id = x.event_id
where :field = '' or x.field = :field
order by e.date_start desc, x.event_id, x.field, x.value""",
        },
        "claims_by_claimant": {
            "title": "Claims by claimant",
            "description": "The claims made by a claimant (part of the name, e.g. 'ministry'); "
            "claims naming nobody are the outlet's own. Leave it empty for all.",
            "sql": """select coalesce(claimant, source) as claimant, claimant_country, claim_id,
  event_id, date_start, event_type, location, country, fatalities_low, fatalities_best,
  fatalities_high, modality, relayed_by, source, sentence
from claims_flat
where :claimant = '' or coalesce(claimant, source) like '%' || :claimant || '%'
order by claimant, date_start""",
        },
        "actor_events": {
            "title": "An actor's events",
            "description": "Events in which an actor (part of a name or alias, e.g. 'army') "
            "acts, is targeted or takes part.",
            "sql": """select event_id, date_start, event_type, acled_event_type, actor1, actor2,
  assoc_actors, location, country, fatalities_low, fatalities_best, fatalities_high,
  num_claims, contested
from events_flat
where :actor <> '' and event_id in (
  select ea.event_id from event_actors ea join actors a on a.id = ea.actor_id
  where a.name like '%' || :actor || '%'
     or a.id in (select actor_id from actor_aliases where alias like '%' || :actor || '%')
  union
  select e.id from events e join actors a on a.id in (e.actor1_id, e.actor2_id)
  where a.name like '%' || :actor || '%'
)
order by date_start""",
        },
        "map": {
            "title": "Map of events",
            "description": "Events with coordinates (click a marker, then its link, for the "
            "event page). Give a country code or leave it empty.",
            "sql": f"""select event_id, date_start, event_type, location, country,
  fatalities_low, fatalities_best, fatalities_high, contested, latitude, longitude,
  json_object(
    'title', event_type || ' in ' || coalesce(location, country, '?')
      || ' on ' || coalesce(date_start, '?'),
    'description', 'fatalities ' || coalesce(fatalities_low, '?') || '-'
      || coalesce(fatalities_high, '?')
      || case when contested then ' (contested: ' || contested_fields || ')' else '' end,
    'link', {event_link}
  ) as popup
from events_flat
where latitude is not null and longitude is not null
  and (:country = '' or country = upper(:country))
order by date_start""",
        },
    }


def build_metadata(label: str, *, base: str = f"/{DB_NAME}") -> dict[str, Any]:
    """Return Datasette metadata for a database described as ``label`` (its file name)."""
    tables: dict[str, Any] = {}
    for view, columns in VIEWS.items():
        title, description = TABLE_TEXT.get(view, (view, ""))
        table: dict[str, Any] = {
            "title": title,
            "description": description,
            "columns": {c: describe_column(view, c) or "" for c in columns},
            "facets": [f for f in FACETS.get(view, ()) if f in columns],
        }
        if view in SORT_DESC:
            table["sort_desc"] = SORT_DESC[view]
        tables[view] = table
    for name in HIDDEN_TABLES:
        tables[name] = {"hidden": True}
    return {
        "title": f"conflict-events: {label}",
        "description": DATABASE_DESCRIPTION,
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": SOURCE,
        "databases": {
            DB_NAME: {
                "title": f"Claimed conflict events ({label})",
                "description": DATABASE_DESCRIPTION,
                "description_html": _database_html(base),
                "tables": tables,
                "queries": _canned_queries(base),
            }
        },
    }
