"""Datasette hooks: event and article ids become links; filters for the event page.

Registered by :func:`events.web.app.make_datasette` (imported only when Datasette is).
"""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from events.web.metadata import DB_NAME

#: Columns whose integer values link to a page of the served database.
LINKS = {"event_id": "event?event_id={}", "article_id": "article?article_id={}"}


@hookimpl
def render_cell(value: Any, column: str, database: str, datasette: Any) -> Markup | None:
    """Make every event_id (article_id) cell a link to the event (article) page."""
    if database != DB_NAME or column not in LINKS or not isinstance(value, int):
        return None
    href = datasette.urls.database(DB_NAME) + "/" + LINKS[column].format(value)
    return Markup('<a href="{}">{}</a>').format(href, value)


#: Folds the long list of column descriptions above a table into a "details" element
#: (the descriptions stay in each column's menu too).
FOLD_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "What each column means (" + dl.querySelectorAll("dt").length + ")";
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""


@hookimpl
def extra_body_script(database: str | None, view_name: str) -> str | None:
    if database == DB_NAME and view_name == "table":
        return FOLD_DESCRIPTIONS
    return None


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    env.filters["mark_trigger"] = mark_trigger
    env.filters["mark_evidence"] = mark_evidence
    env.filters["web_url"] = web_url
    env.filters["figures"] = figures


def mark_trigger(sentence: str | None, trigger: str | None, offset: int | None = None) -> Markup:
    """Return the sentence, escaped, with its trigger wrapped in <mark class="trigger">.

    ``offset`` is the trigger's position in the sentence when stored; otherwise (or when
    it does not point at the trigger) the first occurrence of the trigger is marked.
    """
    text = sentence or ""
    if not trigger:
        return Markup(escape(text))
    start = offset if isinstance(offset, int) else -1
    if not (start >= 0 and text[start : start + len(trigger)].lower() == trigger.lower()):
        start = text.lower().find(trigger.lower())
    if start < 0:
        return Markup(escape(text))
    end = start + len(trigger)
    return Markup('{}<mark class="trigger">{}</mark>{}').format(
        text[:start], text[start:end], text[end:]
    )


def mark_evidence(body: str | None, evidence: str | None, base: str = "") -> Markup:
    """Return the article body, escaped, with each claim's evidence span marked.

    ``evidence`` is the JSON list of {claim_id, event_id, start, end} the article query
    returns; each mark has the id claim-N (the event page links to it) and a link to
    its event.
    """
    text = body or ""
    try:
        spans = json.loads(evidence or "[]")
    except ValueError:
        spans = []
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.get("start") or 0, s.get("end") or 0)):
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or start < pos or end > len(text):
            continue  # overlapping or out of range: leave unmarked
        event = span.get("event_id")
        link = (
            Markup(' <a class="event-link" href="{}/event?event_id={}">event {}</a>').format(
                base, event, event
            )
            if isinstance(event, int)
            else ""
        )
        out += [
            escape(text[pos:start]),
            Markup('<mark class="evidence" id="claim-{}">{}</mark>{}').format(
                span.get("claim_id"), text[start:end], link
            ),
        ]
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def web_url(url: str | None) -> str | None:
    """Return the URL when it is an http(s) address (safe to link), else None."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def figures(low: int | None, best: int | None, high: int | None) -> str:
    """Render a toll: '12', '12-31 (best 20)', or 'none given'."""
    if low is None and best is None and high is None:
        return "none given"
    if low is not None and high is not None and low != high:
        return f"{low}-{high}" + (f" (best {best})" if best is not None else "")
    value = best if best is not None else (low if low is not None else high)
    return str(value)
