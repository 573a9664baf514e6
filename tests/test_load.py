"""Loading articles: encodings, refusals with readable errors, JSON Lines, HTML."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.errors import InputError
from events.pipeline.clean import clean
from events.pipeline.doc import Document
from events.pipeline.load import (
    Overrides,
    decode_bytes,
    load_bytes,
    load_path,
    load_stream,
)

ARTICLE = "Rebels shelled the town on Monday, officials said.\n\nNo one was hurt.\n"

PAGE = """<!DOCTYPE html>
<html><head>
<title>Rebels Shell Border Town Overnight | Example Wire</title>
<meta property="og:title" content="Rebels Shell Border Town Overnight">
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2021-03-04T08:00:00+02:00">
<link rel="canonical" href="https://wire.example.org/2021/03/rebels-shell-town">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/sport">Sport and leisure</a></li></ul></nav>
<article>
<h1>Rebels Shell Border Town Overnight</h1>
<p>Rebel artillery shelled the border town of Northfield overnight, damaging the
market and two schools, the regional governor said on Thursday morning.</p>
<p>At least four civilians were wounded in the attack, according to the local
hospital, which said it had received more casualties than at any time this year.</p>
<p>The army said it had returned fire and would push the rebels back from the hills
above the town within days.</p>
</article>
<footer><p>Copyright 2021 Example Wire. All rights reserved.</p></footer>
</body></html>
"""


def docs_and_errors(items: list[Document | InputError]) -> tuple[list[Document], list[str]]:
    docs = [x for x in items if isinstance(x, Document)]
    errors = [str(x) for x in items if isinstance(x, InputError)]
    return docs, errors


# --- refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "a.txt: empty file"),
        (b" \n\t\r\n  ", "a.txt: only whitespace, no text"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00", "a.txt: binary data (not text)"),
        (bytes(range(1, 9)) * 50 + b"some text", "a.txt: binary data (not text)"),
    ],
)
def test_refuses_what_is_not_an_article(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(data, origin="a.txt")
    assert str(info.value) == message


def test_refuses_input_over_the_limit_and_names_the_flag() -> None:
    with pytest.raises(InputError) as info:
        load_bytes(b"word " * 100, origin="big.txt", max_bytes=400)
    assert str(info.value) == "big.txt: larger than the 400 bytes limit; raise --max-bytes"


def test_default_limit_is_20_mb(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse file: the loader must refuse it by size, unread
        fh.seek(20_000_001)
        fh.write(b"x")
    [error] = load_path(path)
    assert isinstance(error, InputError)
    assert str(error) == f"{path}: larger than the 20 MB limit; raise --max-bytes"


# --- encodings ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_single_byte_text_decodes_sensibly(encoding: str) -> None:
    text = "The café owner in Zürich said the naïve façade was rebuilt, à la française."
    if encoding == "cp1252":
        text += " “Never again,” he said – twice."
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_mark_decides_the_encoding(encoding: str) -> None:
    text = "Министр сказал: «Войска отведены». The minister spoke."
    assert decode_bytes(text.encode(encoding)) == text


def test_cyrillic_single_byte_text_decodes() -> None:
    text = "Министр обороны заявил, что войска отведены от границы."
    assert decode_bytes(text.encode("cp1251")) == text


def test_plain_text_document() -> None:
    doc = load_bytes(ARTICLE.encode(), origin="a.txt")
    assert (doc.raw, doc.format, doc.origin) == (ARTICLE, "text", "a.txt")
    assert doc.given_title is None and doc.source is None


# --- HTML ----------------------------------------------------------------------


def test_html_gives_metadata_and_main_text() -> None:
    doc = load_bytes(PAGE.encode(), origin="page.html")
    assert doc.format == "html"
    assert doc.raw == PAGE  # the stored article is the page as given
    assert doc.given_title == "Rebels Shell Border Town Overnight"
    assert doc.given_published == dt.date(2021, 3, 4)
    assert doc.source == "Example Wire" and doc.source_detected
    assert doc.url == "https://wire.example.org/2021/03/rebels-shell-town"

    clean(doc)
    assert doc.title == "Rebels Shell Border Town Overnight"
    assert doc.body.startswith("Rebel artillery shelled the border town")
    assert "At least four civilians were wounded" in doc.body
    for furniture in ("Home", "World news", "Copyright", "Rebels Shell Border Town Overnight"):
        assert furniture not in doc.body
    assert doc.body.count("\n\n") == 2  # three paragraphs


def test_html_is_sniffed_without_a_suffix() -> None:
    [doc] = load_stream(io.BytesIO(PAGE.encode()), name="stdin")
    assert isinstance(doc, Document) and doc.format == "html"


def test_user_values_win_over_page_metadata() -> None:
    given = Overrides(
        published=dt.date(2021, 3, 5),
        source="Wire Desk",
        url="https://x.example/1",
        title="Own Title",
    )
    doc = load_bytes(PAGE.encode(), origin="page.html", overrides=given)
    assert doc.given_published == dt.date(2021, 3, 5)
    assert (doc.source, doc.source_detected) == ("Wire Desk", False)
    assert (doc.url, doc.given_title) == ("https://x.example/1", "Own Title")


def test_html_without_text_is_refused() -> None:
    with pytest.raises(InputError, match="no article text found"):
        load_bytes(b"<html><body><div><img src='a.png'></div></body></html>", origin="p.html")


# --- JSON Lines and JSON -----------------------------------------------------------


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_reports_bad_lines_by_number_and_loads_the_rest(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps(
                {
                    "id": 7,
                    "text": ARTICLE,
                    "title": "Town Shelled",
                    "url": "https://e.org/7",
                    "published": "2020-10-10T09:30:00Z",
                    "source": "Wire",
                    "language": "en",
                }
            ),
            '{"text": "broken", ',
            json.dumps({"title": "no body"}),
            json.dumps({"text": ARTICLE, "published": "last Tuesday"}),
            "",
            json.dumps(["not", "an", "object"]),
            json.dumps({"html": PAGE}),
        ],
    )
    docs, errors = docs_and_errors(list(load_path(path)))
    assert errors == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 19)",
        f"{path}:3: missing 'text' or 'html'",
        f"{path}:4: bad 'published' date 'last Tuesday': use ISO 8601 such as 2020-10-10",
        f"{path}:6: expected a JSON object, got list",
    ]
    first, page = docs
    assert (first.external_id, first.given_title, first.url, first.source, first.language) == (
        "7",
        "Town Shelled",
        "https://e.org/7",
        "Wire",
        "en",
    )
    assert first.given_published == dt.date(2020, 10, 10)
    assert first.origin == f"{path}:1" and first.raw == ARTICLE
    assert page.format == "html" and page.origin == f"{path}:7"
    assert page.given_title == "Rebels Shell Border Town Overnight"


def test_jsonl_line_over_the_limit_is_skipped_alone(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [json.dumps({"text": "x " * 500}), json.dumps({"text": ARTICLE})],
    )
    docs, errors = docs_and_errors(list(load_path(path, max_bytes=300)))
    assert errors == [f"{path}:1: larger than the 300 bytes limit for one line; raise --max-bytes"]
    assert [d.origin for d in docs] == [f"{path}:2"]


def test_flags_win_over_jsonl_fields(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [json.dumps({"text": ARTICLE, "source": "Wire"})])
    [doc] = load_path(path, overrides=Overrides(source="Desk", include_comments=True))
    assert isinstance(doc, Document)
    assert doc.source == "Desk" and doc.include_comments


def test_json_file_with_a_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": ARTICLE, "id": "a"}, {"text": ""}]), encoding="utf-8")
    docs, errors = docs_and_errors(list(load_path(path)))
    assert [d.external_id for d in docs] == ["a"]
    assert errors == [f"{path}[2]: empty 'text'"]


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    [error] = load_path(tmp_path / "nope.txt")
    assert str(error) == f"{tmp_path / 'nope.txt'}: file not found"


# --- streams ---------------------------------------------------------------------------


def test_stream_sniffs_json_lines_and_text() -> None:
    lines = "\n".join(json.dumps({"text": ARTICLE, "id": str(i)}) for i in range(3))
    items = list(load_stream(io.BytesIO(lines.encode())))
    assert [d.external_id for d in items if isinstance(d, Document)] == ["0", "1", "2"]
    [text_doc] = load_stream(io.StringIO(ARTICLE))
    assert isinstance(text_doc, Document) and text_doc.raw == ARTICLE and text_doc.origin == "stdin"


def test_long_stream_of_json_lines_is_read_line_by_line() -> None:
    line = json.dumps({"text": ARTICLE}) + "\n"
    data = (line * 20).encode()
    items = list(load_stream(io.BytesIO(data), max_bytes=len(line) * 3))
    docs, errors = docs_and_errors(items)
    assert errors == [] and len(docs) == 20
    assert docs[-1].origin == "stdin:20"


def test_long_text_stream_is_refused() -> None:
    [error] = load_stream(io.BytesIO(b"words " * 100), max_bytes=100)
    assert str(error) == "stdin: larger than the 100 bytes limit; raise --max-bytes"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_load_or_give_a_readable_error(data: bytes) -> None:
    try:
        doc = load_bytes(data, origin="x.bin")
    except InputError as exc:
        assert str(exc).startswith("x.bin: ") and "\n" not in str(exc)
    else:
        assert doc.raw.strip()
