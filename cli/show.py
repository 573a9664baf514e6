"""``events show ARTICLE``: an article with its claims and their evidence."""

from __future__ import annotations

import json

import click

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
  events show reuters-2020-10-09-001 --json""",
)
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print the article and claims as JSON.")
@click.pass_obj
def show(obj: dict, article: str, as_json: bool) -> None:
    """Print an article's cleaned text with each claim's evidence marked.

    ARTICLE is the article id or its external id. Evidence sentences are
    wrapped in [n ... ] where n is the claim number listed below the text.
    """
    from events.db import open_database
    from events.show import get_article

    database = open_database(obj["db"], readonly=True)
    try:
        view = get_article(database, article)
    finally:
        database.dispose()
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
