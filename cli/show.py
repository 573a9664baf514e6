"""``events show ARTICLE`` and ``events show --event ID``: evidence, claims and who says what."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import click
from events.cli.output import render

if TYPE_CHECKING:
    from events.show import EventView

FIELDS = (
    "event_type", "event_mode", "actor1", "actor1_country", "actor2", "actor2_country",
    "date_start", "date_end", "date_precision", "location", "country", "latitude", "longitude",
    "fatalities_low", "fatalities_best", "fatalities_high", "claimant", "relayed_by",
    "modality", "confidence", "rule",
)  # fmt: skip


@click.command(
    epilog="""\b
Examples:
  events show 1
  events show reuters-2020-10-09-001 --json
  events show --event 42          who says what about event 42, and why its claims are linked
  events show --event 42 --json""",
)
@click.argument("article", required=False)
@click.option(
    "--event",
    "event_ref",
    metavar="ID",
    help="Show this event instead of an article: its summary, contradictions and claims.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the article (or event) as JSON.")
@click.pass_obj
def show(obj: dict, article: str | None, event_ref: str | None, as_json: bool) -> None:
    """Print an article's cleaned text with each claim's evidence marked, or an event.

    ARTICLE is the article id or its external id. Evidence sentences are
    wrapped in [n ... ] where n is the claim number listed below the text.

    With --event ID: the event's summary (type, dates, places, actors, the
    fatality range and the rule that chose it, counts, contested fields), the
    table of contradictions (each disputed value with who claims it), then every
    claim with its claimant, modality, source, evidence sentence (trigger in
    [brackets]) and the reason it was linked to the event.
    """
    if (article is None) == (event_ref is None):
        raise click.UsageError("give an ARTICLE or --event ID (one of the two)")
    from events.db import open_database
    from events.show import get_article, get_event

    database = open_database(obj["db"], readonly=True)
    try:
        if event_ref is not None:
            event = get_event(database, event_ref)
        else:
            view = get_article(database, str(article))
    finally:
        database.dispose()
    if event_ref is not None:
        _print_event(event, as_json)
        return
    if as_json:
        click.echo(json.dumps({"article": view.article, "claims": view.claims}, default=str,
                              ensure_ascii=False, indent=1))  # fmt: skip
        return
    a = view.article
    click.secho(a["title"] or "(no title)", bold=True)
    inferred = " (inferred)" if a["published_inferred"] else ""
    meta = [
        f"article {a['id']}",
        a["source"] or "source unknown",
        f"published {a['published'] or 'unknown'}{inferred}",
        a["extractor_version"],
    ]
    click.echo(" | ".join(str(m) for m in meta))
    for warning in a["warnings"]:
        click.echo(f"warning: {warning}")
    click.echo()
    click.echo(_marked(a["body"], view.claims))
    click.echo()
    for n, claim in enumerate(view.claims, 1):
        where = f"chars {claim['char_start']}-{claim['char_end']}"
        click.secho(
            f"[{n}] {claim['section']} sentence {claim['sentence_index']}, {where}: "
            f"trigger {claim['trigger']!r}",
            bold=True,
        )
        values = ", ".join(f"{f}={claim[f]}" for f in FIELDS if claim.get(f) not in (None, ""))
        click.echo(f"    {values}")
        if claim["section"] in ("title", "comment"):
            click.echo(f"    \u201c{claim['sentence']}\u201d")
    if a["comments"]:
        click.echo(f"\n(reader comments stored apart: {len(a['comments'])} characters)")


def _print_event(view: EventView, as_json: bool) -> None:
    if as_json:
        payload = {"event": view.event, "fatality_rule": view.fatality_rule,
                   "contradictions": view.contradictions, "claims": view.claims}  # fmt: skip
        click.echo(json.dumps(payload, default=str, ensure_ascii=False, indent=1))
        return
    e = view.event
    kind = e["event_type"] + (f" ({e['event_mode']})" if e.get("event_mode") else "")
    acled = " / ".join(v for v in (e.get("acled_event_type"), e.get("acled_sub_event_type")) if v)
    click.secho(f"Event {e['event_id']}: {kind}" + (f"  [ACLED: {acled}]" if acled else ""),
                bold=True)  # fmt: skip
    when = f"{e['date_start'] or 'unknown'} ({e['date_precision']})"
    if e.get("date_first") and (e["date_first"], e["date_last"]) != (e["date_start"],) * 2:
        when += f"; the claims say {e['date_first']} to {e['date_last']}"
    place = ", ".join(str(v) for v in (e.get("location"), e.get("admin1"), e.get("country")) if v)
    where = place or "unknown"
    if e.get("places") and e["places"] != e.get("location"):
        where += f"; places claimed: {e['places']}"
    actors = f"{e.get('actor1') or '?'} -> {e.get('actor2') or '?'}"
    if e.get("assoc_actors"):
        actors += f"; also {e['assoc_actors']}"
    lines = [
        ("when", when),
        ("where", where),
        ("actors", actors),
        ("toll", _toll(e) or "no figure given"),
        ("", f"rule: {view.fatality_rule}"),
        ("counts", f"{e['num_claims']} claims, {e['num_articles']} articles, "
                   f"{e['num_sources']} sources, {e['num_reports']} independent reports"
                   f"; first reported {e.get('first_reported') or 'unknown'}"),
        ("contested", e.get("contested_fields") or "no: the claims agree"),
        ("linked", e.get("link_reason") or ""),
        ("status", e.get("status") or ""),
    ]  # fmt: skip
    for label, value in lines:
        if value:
            click.echo(f"{label:<10} {value}")
    click.echo()
    if view.contradictions:
        click.secho("Who says what", bold=True)
        out = io.StringIO()
        columns = ("field", "value", "claimants", "sources", "modalities", "claims")
        keys = ("field", "value", "claimants", "sources", "modalities", "claim_ids")
        render(columns, ([c[k] for k in keys] for c in view.contradictions), "table", out=out)
        click.echo(out.getvalue())
    click.secho(f"Claims ({len(view.claims)})", bold=True)
    for claim in view.claims:
        click.echo(_claim_text(claim))


def _toll(row: dict[str, Any]) -> str:
    low, best, high = (
        row.get("fatalities_low"),
        row.get("fatalities_best"),
        row.get("fatalities_high"),
    )
    if low is None and best is None and high is None:
        return ""
    if low == high == best or (low == high and best is None):
        return f"{low if low is not None else best} dead"
    return f"low {_n(low)}, best {_n(best)}, high {_n(high)}"


def _n(value: Any) -> str:
    return "?" if value is None else str(value)


def _claim_text(c: dict[str, Any]) -> str:
    """Render one claim: who, how firmly, where from, what, the evidence and the link."""
    article = f"article {c['article_id']}"
    if c.get("article_external_id"):
        article += f" {c['article_external_id']!r}"
    copy = f", copy of article {c['copy_of']}" if c.get("copy_of") else ""
    head = (f"#{c['claim_id']}  {c.get('source') or 'source unknown'}, {article}"
            f" ({c.get('article_published') or 'undated'}{copy}), "
            f"{c['section']} sentence {c['sentence_index']}")  # fmt: skip
    who = c.get("claimant") or "the outlet"
    says = f"{who} ({c['modality']}" + (", negated" if c.get("negated") else "") + ")"
    if c.get("relayed_by"):
        says += f", relayed by {c['relayed_by']}"
    kind = c["event_type"] + (f" ({c['event_mode']})" if c.get("event_mode") else "")
    what = [kind]
    if c.get("date_start"):
        what.append(f"{c['date_start']} ({c['date_precision']})")
    place = ", ".join(str(v) for v in (c.get("location"), c.get("country")) if v)
    if place:
        what.append(place)
    if c.get("actor1") or c.get("actor2"):
        what.append(f"{c.get('actor1') or '?'} -> {c.get('actor2') or '?'}")
    toll = _toll(c)
    if toll:
        what.append(f"toll {toll}")
    lines = [
        click.style(head, bold=True),
        f"    says:     {says}",
        f"    claims:   {' · '.join(what)}",
        f"    evidence: \u201c{_trigger_marked(c)}\u201d",
        f"    linked:   {_link_text(c)}",
    ]
    return "\n".join(lines)


def _trigger_marked(c: dict[str, Any]) -> str:
    sentence = " ".join(c["sentence"].split("\n"))
    span = c.get("trigger_span")
    if not span or span[1] > len(sentence):
        return sentence
    start, end = span
    return sentence[:start] + click.style(f"[{sentence[start:end]}]", fg="green") + sentence[end:]


def _link_text(c: dict[str, Any]) -> str:
    if c.get("link_rule") is None:
        return "first claim of the event (no link recorded)"
    text = c["link_rule"]
    if c.get("link_score") is not None:
        text += f", score {c['link_score']:.2f}"
    if c.get("link_evidence"):
        text += f": {c['link_evidence']}"
    if c.get("link_claim_id") is not None:
        text += f"; matched claim #{c['link_claim_id']} (article {c['link_article_id']}"
        text += f" {c['link_article_external_id']!r})" if c.get("link_article_external_id") else ")"
        if c.get("link_event_id") != c.get("event_id"):
            text += f", now in event {c['link_event_id']}"
    return text


def _marked(body: str, claims: list[dict]) -> str:
    """Wrap each evidence span of the body in [n,m ... ], numbered like the list below."""
    spans: dict[tuple[int, int], list[str]] = {}
    for n, c in enumerate(claims, 1):
        if c["section"] in ("body", "caption"):
            spans.setdefault((c["char_start"], c["char_end"]), []).append(str(n))
    out, pos = [], 0
    for (start, end), numbers in sorted(spans.items()):
        if start < pos:  # overlapping spans: mark the first only
            continue
        out += [body[pos:start], click.style(f"[{','.join(numbers)} ", fg="green")]
        out += [body[start:end], click.style("]", fg="green")]
        pos = end
    out.append(body[pos:])
    return "".join(out)
