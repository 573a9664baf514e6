"""Fuzz: N mutated inputs through ONE ``events ingest`` run; count the crashes.

Generates ``-n`` inputs (default 2,000) from a seeded generator: JSON lines
(records with wrong types, lone surrogate escapes, NUL and control characters,
huge strings and numbers, deep nesting, broken JSON), odd publication dates
with relative dates in the text, plain texts (random Unicode, binary bytes,
mixed encodings, empty, whitespace only, long unpunctuated lines), HTML (deeply
nested, malformed, scripts only, odd metadata), .json/.ndjson files and odd
file names. About one input in ten is a known-good article with a unique text.
The JSON lines go into one ``fuzz.jsonl``, the rest into a directory, and both
are passed to a single ``events ingest`` against a fresh SQLite database (and
each ``--db``, which must be an empty database).

    python bench/fuzz.py [-n 2000] [--seed 1] [--db postgresql://...] [--keep DIR]

Prints: inputs, stored, failed with a line, crashes (tracebacks, or exit codes
other than 0 and 1; the count must be 0) and the time. A crash stops the
command, so the script names the input it stopped on, blanks everything up to
and including it, and runs ``events ingest`` again on the rest (same database):
every crashing input is counted, grouped by its exception, and the smallest
input of each group is shown (and written to --keep). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVENTS = [sys.executable, "-m", "events"]

#: Share of inputs per family (the rest of the 1.0 is known-good articles).
FAMILIES = {
    "json-record": 0.26,
    "json-raw": 0.17,
    "dates": 0.14,
    "text": 0.14,
    "html": 0.12,
    "json-file": 0.04,
    "odd-name": 0.03,
}
GOOD_SHARE = 0.10

#: One ``events ingest`` run may take this long before it counts as a hang.
RUN_TIMEOUT_S = 900

# --------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------

ACTORS = ["Rebels", "Government troops", "Police", "Russian forces", "Ukrainian artillery",
    "Al-Shabaab fighters", "Protesters", "The army", "Turkish drones",
    "Unknown gunmen"]  # fmt: skip
DEEDS = ["attacked an army convoy near {place}", "shelled the town of {place}",
    "arrested {n} protesters in {place}", "clashed with militiamen outside {place}",
    "fired rockets at {place}", "withdrew from {place}", "met officials in {place}"]  # fmt: skip
PLACES = ["Goma", "Aleppo", "Kharkiv", "Mogadishu", "Minsk", "Kherson", "Bamako", "Kabul",
    "Stepanakert", "Gaza"]  # fmt: skip
WHEN = ["on Tuesday", "yesterday", "on 3 March 2021", "last week", "on 5 May", "two days ago",
    "earlier this month", "on 12/11/2022", "in 2019", "overnight", "last Friday"]  # fmt: skip
TOLL = ["killing at least {n} soldiers", "wounding {n} civilians", "leaving {n} dead", ""]
CLAIMANT = ["the army said in a statement", "officials said", "according to local media",
    "a spokesman told Reuters", "rebels claimed", "witnesses said"]  # fmt: skip

#: Publication dates that are odd, invalid or not dates at all.
ODD_DATES: list[object] = ["0001-01-01", "9999-12-31", "2024-13-45", "2024", "2024-05",
    "2024-02-30", "2023-02-29", "1900-01-01", "1970-01-01T00:00:00Z", "2024-05-06T25:61:00",
    "20240506", "2024-W19-1", "2024-128", "+002024-05-06", "-0001-01-01", "2024/05/06",
    "06.05.2024", "May 6, 2024", "yesterday", "", " ", "2024-05-06\u0000", "\ud800",
    "2024-05-06T10:00:00+99:00", "9999-12-31T23:59:59.999999-14:00", "0001-01-01T00:00:00+14:00",
    "0000-00-00", "2024-5-6", "\uff11\uff19\uff19\uff19-\uff10\uff11-\uff10\uff11",
    "2024-05-06T10:00:00.123456789Z", "2024-05-06 garbage", 2024, 20240506, -1, 1.5e308, True,
    None, [], {"y": 2024}, "NaN"]  # fmt: skip

#: Relative and odd date phrases put into texts that come with odd publication dates.
DATE_PHRASES = ["yesterday", "last Tuesday", "3 days ago", "tomorrow", "next month", "on Monday",
    "last year", "in 100 years", "10000 days ago", "a century ago", "on 29 February",
    "on 31 February 2021", "on 1 January 1", "in the year 10000", "on 0001-01-01",
    "on 9999-12-31", "on 2024-13-45", "earlier this week", "on the 32nd", "in May",
    "between 1 and 3 March", "last winter", "9999 years ago", "next Sunday"]  # fmt: skip

ODD_STRINGS = ["", " ", "\ud800", "\udfff", "a\ud83dz", "a\u0000b", "\u0000",
    "\x1b[31mred\x1b[0m", "\u202eevil", "\ufeff", "\u200b\u200b", "<script>alert(1)</script>",
    "' OR 1=1 --", "%s%n", "../../etc/passwd", "\r\n", "\u0085\u2028\u2029", "İstanbul ﬁre ß",
    "e\u0301" * 50, "😀" * 20, "Ⅻ ² ١٢٣", "null", "\\", '"']  # fmt: skip

INSERTS = ["\u0000", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
    "\ufeff", "\u200b", "\u202e", "\ufffd", "😀", "e\u0301", "İ", "ﬁ", "ß", "\uff15", "Ⅻ", "²",
    "\u0663", "日本", "العربية", "\t", "\r", "\n", "\n\n", " ", ".", "...", "!?", "«", "”", "(",
    ")", "[", "]", "—", "-", "99999999999999999999999999"]  # fmt: skip

JSON_TOKENS = [b"\\ud800", b"\\udfff", b"\\ud83d", b"\\u0000", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\\", b'"', b",", b"}", b"{", b"[", b"]", b"NaN", b"Infinity", b"-",
    b"1e999", b"\t", b"\x1b", b"\xc3", b"\xed\xa0\x80", b":", b"\\x41", b"\\u12",
    b"\r"]  # fmt: skip

HTML_TOKENS = ["<p>", "</p>", "<div", ">", "<", "</", "<!--", "-->", "<![CDATA[", "]]>",
    "<script>", "</script>", '"', "'", "&", "&amp", "&#", "&#x110000;", "&#0;", "&#xD800;",
    "&#99999999999;", "<?xml version='1.0'?>", "<!DOCTYPE html>", "<html>", "<body>",
    "<meta charset='x-unknown'>", "<base href='javascript:alert(1)'>", "<table><tr><td>",
    "<svg><foreignObject>", "<math>", "<template>", "<noscript>", "<br/>", "<article>", "<h1>",
    "<title>", "</title>", "<style>", "</style>", "\u0000", "\ufeff"]  # fmt: skip


EMPTY_PAGES = [b"<html></html>", b"<html><body></body></html>", b"<!-- nothing -->",
    b"<html><body><img src=x></body></html>",
    b"<html><body>" + b"<br>" * 5000 + b"</body></html>"]  # fmt: skip

ENTITIES = ["&#0;", "&#xD800;", "&#x110000;", "&#1114111;", "&amp;", "&nbsp;", "&#x202e;",
            "&#99999999999999999999;", "&bogus;"]  # fmt: skip

#: Endings of odd file names: spaces, non-Latin letters, a right-to-left override,
#: bytes that are not UTF-8 (surrogate escapes), a long name, a newline.
NAME_PARTS = [" with spaces", "-日本語", "-\u202eevil", "-é", "-\udcff\udcfe", "-\udce9", "-ü" * 60,
              "-new\nline"]  # fmt: skip


@dataclass
class Input:
    """One generated input: a JSON line or a file in the directory."""

    index: int
    family: str
    data: bytes
    kind: str = "line"  # line | file
    name: str = ""  # file name (kind == file)
    good: bool = False
    good_id: str | None = None  # external id of a known-good JSON record
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (status, line)
    origin: str = ""  # the JSON line's origin or the file's path


def story(rng: random.Random, nonce: str | None = None, sentences: int | None = None) -> str:
    """Return a short plausible news text (unique when ``nonce`` is given)."""
    out = []
    for _ in range(sentences or rng.randint(1, 4)):
        deed = rng.choice(DEEDS).format(place=rng.choice(PLACES), n=rng.randint(2, 400))
        toll = rng.choice(TOLL).format(n=rng.randint(1, 300))
        s = f"{rng.choice(ACTORS)} {deed} {rng.choice(WHEN)}"
        s += f", {toll}" if toll else ""
        out.append(f"{s}, {rng.choice(CLAIMANT)}.")
    if nonce:
        out.append(f"Report {nonce}.")
    return " ".join(out)


def mutate_text(rng: random.Random, text: str, rounds: int | None = None) -> str:
    """Apply a few character-level mutations to ``text``."""
    for _ in range(rounds if rounds is not None else rng.randint(1, 6)):
        pos = rng.randint(0, len(text))
        op = rng.randrange(8)
        if op <= 2:
            text = text[:pos] + rng.choice(INSERTS) * rng.choice([1, 1, 2, 50]) + text[pos:]
        elif op == 3:
            text = text[:pos] + text[pos + rng.randint(1, 40) :]
        elif op == 4:
            end = min(len(text), pos + rng.randint(1, 60))
            text = text[:end] + text[pos:end] * rng.choice([2, 10, 200]) + text[end:]
        elif op == 5:
            text = re.sub(r"\d+", lambda _m: str(rng.choice([0, -1, 10**6, 10**19, 10**40])), text)
        elif op == 6:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        else:
            text = text[:pos] + random_unicode(rng, 1) + text[pos:]
    return text


#: Code point ranges random text is drawn from: ASCII, controls, Latin, combining
#: marks, Cyrillic, Hebrew/Arabic, Devanagari, kana, CJK, private use, specials
#: (U+FFFx), emoji and the rest of the astral planes. Surrogates are left out (a
#: file cannot hold them as UTF-8); JSON lines get them as escapes instead.
#: JSON values of the wrong type for every field (and integers past 64 bits).
ODD_VALUES: list[object] = [0, -1, 10**30, -(10**30), 1.5, float("nan"), float("inf"), True, False,
    None, [], {}, ["a"], {"a": 1}, [[[]]], 2**63, 2**64 + 1]  # fmt: skip

#: Plain values for the record fields a mutated record leaves alone.
PLAIN_FIELDS = {"id": "r1", "title": "Title", "url": "https://e.org/a", "source": "Wire",
                "language": "en", "published": "2021-05-06"}  # fmt: skip

CODEPOINT_RANGES = [(0x20, 0x7E), (0x0, 0x1F), (0xA0, 0x2FF), (0x300, 0x36F), (0x400, 0x4FF),
    (0x590, 0x6FF), (0x900, 0x97F), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xE000, 0xF8FF),
    (0xFE00, 0xFFFF), (0x1F300, 0x1FAFF), (0x10000, 0x10FFFF)]  # fmt: skip


def random_unicode(rng: random.Random, size: int) -> str:
    """Return ``size`` random code points (no surrogates) from scattered ranges."""
    out = []
    for _ in range(size):
        lo, hi = rng.choice(CODEPOINT_RANGES)
        cp = rng.randint(lo, hi)
        out.append(chr(cp) if not 0xD800 <= cp <= 0xDFFF else "?")
    return "".join(out)


def odd_string(rng: random.Random) -> str:
    """Return a short or huge string from the odd pool, sometimes mutated."""
    r = rng.random()
    if r < 0.5:
        return rng.choice(ODD_STRINGS)
    if r < 0.65:
        return rng.choice(["x", "word ", "é", "\u0000"]) * rng.choice(
            [255, 256, 300, 5000, 100_000]
        )
    if r < 0.85:
        return random_unicode(rng, rng.randint(1, 80))
    return mutate_text(rng, rng.choice(ODD_STRINGS) + story(rng, sentences=1))


def odd_value(rng: random.Random) -> object:
    """Return a JSON value of any type, often the wrong one for its field."""
    r = rng.random()
    if r < 0.55:
        return odd_string(rng)
    return rng.choice(ODD_VALUES)


def odd_date(rng: random.Random) -> object:
    """Return an odd publication date: from the pool, or random digits in ISO shape."""
    if rng.random() < 0.7:
        return rng.choice(ODD_DATES)
    y, m, d = rng.randint(0, 10000), rng.randint(0, 13), rng.randint(0, 32)
    hour = rng.randint(0, 25)
    return rng.choice([f"{y:04d}-{m:02d}-{d:02d}", f"{y:04d}-{m:02d}", f"{y:04d}",
                       f"{y:04d}-{m:02d}-{d:02d}T{hour:02d}:00:00Z"])  # fmt: skip


def dumps(record: object, rng: random.Random) -> bytes:
    """Serialise like real feeds do: ASCII escapes or raw UTF-8 (surrogates passed through)."""
    if rng.random() < 0.6:
        return json.dumps(record).encode("ascii")
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")


def json_record(rng: random.Random) -> bytes:
    """A JSON record whose fields have odd values or the wrong types."""
    rec: dict[str, object] = {}
    body = story(rng)
    if rng.random() < 0.6:
        body = mutate_text(rng, body)
    roll = rng.random()
    if roll < 0.65:
        rec["text"] = body
    elif roll < 0.8:
        rec["html"] = f"<html><body><article><p>{body}</p></article></body></html>"
    elif roll < 0.9:
        rec["text"] = odd_value(rng)
    # else: no text at all
    for key in ("id", "title", "url", "source", "language", "published"):
        if rng.random() < 0.5:
            rec[key] = odd_value(rng) if key != "published" else odd_date(rng)
        elif rng.random() < 0.3:
            rec[key] = PLAIN_FIELDS[key]
    if rng.random() < 0.1:
        rec[rng.choice(["Text", "", "\u0000", "text ", "extra"])] = odd_value(rng)
    if rng.random() < 0.03:
        rec.update({f"k{i}": i for i in range(2000)})
    return dumps(rec, rng)


def json_raw(rng: random.Random) -> bytes:
    """A JSON line mutated as bytes: broken syntax, escapes, nesting, huge numbers."""
    line = json_record(rng) if rng.random() < 0.5 else dumps({"text": story(rng)}, rng)
    roll = rng.random()
    if roll < 0.1:
        depth = rng.choice([10, 100, 900, 1000, 5000, 100_000])
        nested = b"[" * depth + b"]" * depth
        return line.replace(b'"text": ', b'"text": ' + nested + b', "t": ', 1)
    if roll < 0.16:
        digits = rng.choice([20, 400, 4300, 4301, 6000])
        key = rng.choice([b'"id": ', b'"published": ', b'"text": '])
        return line.replace(b"{", b"{" + key + b"9" * digits + b", ", 1)
    if roll < 0.22:
        utf16 = line.decode("utf-8", "replace").encode("utf-16")
        return rng.choice([b"[" + line + b"]", b'"a string"', b"42", b"null", b"true", b"[]",
                           b"\xef\xbb\xbf" + line, utf16, b"{" * rng.randint(1, 5000)])  # fmt: skip
    data = bytearray(line)
    for _ in range(rng.randint(1, 5)):
        pos = rng.randint(0, len(data))
        op = rng.randrange(4)
        if op == 0:
            data[pos:pos] = rng.choice(JSON_TOKENS)
        elif op == 1 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 2:
            del data[pos : pos + rng.randint(1, 20)]
        else:
            data = data[: max(pos, 1)]  # truncated line
    return bytes(data)


def dates_record(rng: random.Random) -> bytes:
    """A record whose text has relative or odd dates and whose publication date is odd."""
    sentences = []
    for _ in range(rng.randint(1, 3)):
        deed = rng.choice(DEEDS).format(place=rng.choice(PLACES), n=rng.randint(2, 40))
        sentences.append(
            f"{rng.choice(ACTORS)} {deed} {rng.choice(DATE_PHRASES)}, {rng.choice(CLAIMANT)}."
        )
    rec = {"text": " ".join(sentences), "published": odd_date(rng)}
    if rng.random() < 0.3:
        rec["id"] = f"d{rng.randrange(10**6)}"
    return dumps(rec, rng)


def text_file(rng: random.Random) -> tuple[str, bytes]:
    """A plain-text file: random Unicode, binary, mixed encodings, empty, odd lines."""
    roll = rng.randrange(12)
    if roll == 0:
        return "empty", b""
    if roll == 1:
        return "whitespace", bytes(
            rng.choice(b" \t\r\n\x0b\x0c") for _ in range(rng.randint(1, 200))
        )
    if roll == 2:
        return "binary", rng.randbytes(rng.randint(1, 4000))
    if roll == 3:
        return "unicode", random_unicode(rng, rng.randint(1, 3000)).encode("utf-8")
    if roll == 4:
        parts = []
        for _ in range(rng.randint(2, 6)):
            enc = rng.choice(["utf-8", "latin-1", "cp1251", "utf-16-le", "shift_jis", "cp1252"])
            piece = rng.choice(
                [
                    story(rng),
                    "Министр сказал, что войска отведены.",
                    "東京で抗議者が逮捕された。",
                    "Ελληνικά στρατεύματα.",
                ]
            )
            parts.append(piece.encode(enc, "replace"))
            if rng.random() < 0.3:
                parts.append(rng.randbytes(rng.randint(1, 8)))
        return "mixed-encodings", b" ".join(parts)
    if roll == 5:
        words = ["rebels", "attacked", "Goma", "killing", "five", "soldiers", "officials", "said"]
        n = rng.choice([500, 5000, 40_000])
        return "unpunctuated", " ".join(rng.choice(words) for _ in range(n)).encode()
    if roll == 6:
        return "surrogate-bytes", (story(rng) + " \ud800 " + story(rng)).encode(
            "utf-8", "surrogatepass"
        )
    if roll == 7:
        text = mutate_text(rng, story(rng), rounds=0)
        text = "".join(c + rng.choice(["\x00", "\x01", "\x1b", ""]) for c in text)
        return "control-chars", text.encode("utf-8")
    if roll == 8:
        bom = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
        return "bom", bom + story(rng).encode(rng.choice(["utf-8", "utf-16-le", "latin-1"]))
    if roll == 9:
        return "numbers", (
            f"{rng.choice(ACTORS)} killed {10 ** rng.randint(1, 40)} people "
            f"on {odd_date(rng)} in {rng.choice(PLACES)}."
        ).encode("utf-8", "surrogatepass")
    return "mutated", mutate_text(rng, story(rng, sentences=rng.randint(1, 8))).encode(
        "utf-8", "surrogatepass"
    )


def html_file(rng: random.Random) -> tuple[str, bytes]:
    """An HTML page: deeply nested, malformed, scripts only, odd metadata."""
    roll = rng.randrange(8)
    body = story(rng)
    if roll == 0:
        depth = rng.choice([50, 255, 256, 500, 3000, 20_000])
        tag = rng.choice(["div", "b", "span", "table", "p", "li"])
        close = rng.random() < 0.6
        opened, closed = f"<{tag}>" * depth, f"</{tag}>" * depth if close else ""
        page = f"<html><body>{opened}{body}{closed}</body></html>"
        return f"deep-{tag}-{depth}", page.encode()
    if roll == 1:
        soup = "".join(
            rng.choice(HTML_TOKENS + [body, " ", "text"]) for _ in range(rng.randint(5, 400))
        )
        return "tag-soup", soup.encode("utf-8", "surrogatepass")
    if roll == 2:
        js = f"var s = '<p>{body}</p>'; document.write(s);" * rng.randint(1, 50)
        return "scripts-only", (
            f"<html><head><script>{js}</script><style>p{{color:red}}</style>"
            f"</head><body><script>{js}</script></body></html>"
        ).encode()
    if roll == 3:
        meta = (
            f'<meta property="article:published_time" content="{odd_date(rng)}">'
            f'<meta property="og:site_name" content="{odd_string(rng)[:400]}">'
            f"<title>{odd_string(rng)[:2000]}</title>"
            f'<link rel="canonical" href="{odd_string(rng)[:500]}">'
        )
        page = (
            f"<html><head>{meta}</head><body><article><p>{body} Yesterday too.</p></article>"
            "</body></html>"
        )
        return "odd-meta", page.encode("utf-8", "surrogatepass")
    if roll == 4:
        page = f"<html><body><article><p>{mutate_text(rng, body)}</p></article></body></html>"
        return "mutated", page.encode("utf-8", "surrogatepass")
    if roll == 5:
        return "empty-page", rng.choice(EMPTY_PAGES)
    if roll == 6:
        page = (
            f"<html><head><meta charset='utf-8'></head><body><p>{body} Министр сказал.</p>"
            "</body></html>"
        )
        return "wrong-charset", page.encode(rng.choice(["cp1251", "utf-16", "latin-1"]), "replace")
    ents = "".join(rng.choice(ENTITIES) for _ in range(30))
    return "entities", f"<html><body><article><p>{body} {ents}</p></article></body></html>".encode()


def json_file(rng: random.Random) -> tuple[str, bytes, str]:
    """A .json or .ndjson file: a list of records, one record, broken or deep JSON."""
    roll = rng.randrange(5)
    ext = rng.choice([".json", ".json", ".ndjson"])
    if roll == 0:
        return (
            "list",
            b"[" + b",".join(json_record(rng) for _ in range(rng.randint(1, 4))) + b"]",
            ext,
        )
    if roll == 1:
        return "one-record", json_record(rng), ext
    if roll == 2:
        return "lines", b"\n".join(json_record(rng) for _ in range(rng.randint(1, 3))), ext
    if roll == 3:
        depth = rng.choice([100, 1000, 100_000])
        return "deep", b"[" * depth + b"]" * depth, ext
    return "broken", json_raw(rng), ext


def odd_name(rng: random.Random, stem: str) -> str:
    """A file name with spaces, non-Latin letters, a newline or bytes that are not UTF-8."""
    extra = rng.choice(NAME_PARTS)
    return stem + extra


def generate(n: int, seed: int) -> list[Input]:
    """Return ``n`` inputs drawn from the families, seeded."""
    rng = random.Random(seed)
    names = list(FAMILIES) + ["good"]
    weights = list(FAMILIES.values()) + [GOOD_SHARE]
    inputs: list[Input] = []
    for i in range(n):
        family = rng.choices(names, weights)[0]
        item = Input(i, family, b"")
        if family == "good":
            item.good = True
            nonce = f"{seed}-{i}"
            if rng.random() < 0.6:
                item.good_id = f"good-{nonce}"
                item.data = json.dumps(
                    {
                        "id": item.good_id,
                        "text": story(rng, nonce),
                        "published": "2021-05-06",
                        "source": "Wire",
                    }
                ).encode()
            else:
                item.kind, item.name = "file", f"f{i:05d}-good.txt"
                item.data = story(rng, nonce).encode()
        elif family == "json-record":
            item.data = json_record(rng)
        elif family == "json-raw":
            item.data = json_raw(rng)
        elif family == "dates":
            item.data = dates_record(rng)
        elif family == "text":
            label, item.data = text_file(rng)
            item.kind, item.name = "file", f"f{i:05d}-text-{label}.txt"
        elif family == "html":
            label, item.data = html_file(rng)
            item.kind, item.name = "file", f"f{i:05d}-html-{label}.html"
        elif family == "json-file":
            label, item.data, ext = json_file(rng)
            item.kind, item.name = "file", f"f{i:05d}-json-{label}{ext}"
        else:  # odd-name
            label, item.data = text_file(rng) if rng.random() < 0.5 else html_file(rng)
            ext = ".txt" if not item.data.lstrip().startswith(b"<") else ".html"
            item.kind, item.name = "file", odd_name(rng, f"f{i:05d}-name-{label}") + ext
        if item.kind == "line":
            # One input, one line: a newline would make two inputs, and a blank
            # line is skipped without a word (by design), so neither is generated.
            item.data = item.data.replace(b"\n", b" ")
            if not item.data.strip():
                item.data = b"{}"
        inputs.append(item)
    return inputs


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------

_OUTCOME = re.compile(r"^(stored|skipped|error): (.*)$")
_FILE_ID = re.compile(r"/f(\d{5})-")
_SUMMARY = re.compile(r"^\d+ stored, \d+ skipped")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?::|$)")


def parse_stderr(err: str) -> tuple[list[tuple[str, str, str] | list[str]], list[str]]:
    """Split ``events ingest``'s stderr into outcome lines and tracebacks, in order.

    An outcome is (status, the rest of the line, the line); a traceback is the
    list of its lines, chained exceptions ("During handling of ...") included.
    Also returns the stray lines: none of those, nor a warning, log or summary
    line (a message spread over several lines, or an "Error: ..." that ended the run).
    """
    out: list[tuple[str, str, str] | list[str]] = []
    stray: list[str] = []
    block: list[str] | None = None
    chained = False
    for line in err.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            last = out[-1] if out else None
            block = [*out.pop(), line] if chained and isinstance(last, list) else [line]
            chained = False
            continue
        if block is not None:
            block.append(line)
            if _EXCEPTION_LINE.match(line):  # "ValueError: ..." ends the block
                out.append(block)
                block = None
            continue
        if line.startswith(("During handling of the above", "The above exception")):
            chained = True
            if out and isinstance(out[-1], list):
                out[-1].append(line)
            continue
        m = _OUTCOME.match(line)
        if m:
            out.append((m.group(1), m.group(2), line))
            chained = False
        elif (
            line.strip()
            and not _SUMMARY.match(line)
            and not line.startswith(("  warning: ", "WARNING ", "ERROR ", "INFO "))
        ):
            stray.append(line)
    if block is not None:  # cut off (a hang)
        out.append(block)
    return out, stray


@dataclass
class Crash:
    """One input that crashed ``events ingest`` (or a traceback it logged)."""

    item: Input | None
    kind: str  # exit <code> | hang | logged traceback
    last_lines: list[str]  # the traceback (or the end of stderr)

    def signature(self) -> str:
        frames = [ln.strip() for ln in self.last_lines if ln.strip().startswith('File "')]
        own = [f for f in frames if str(REPO) in f and "site-packages" not in f]
        where = (
            re.sub(r'^File "[^"]*/((?:events|cli)/[^"]+)", line \d+, in ', r"\1 ", own[-1])
            if own
            else "?"
        )
        error = next((ln for ln in reversed(self.last_lines) if ln.strip()), self.kind)
        error_type = error.split(":", 1)[0]
        return f"{self.kind}: {error_type} at {where}"


def write_inputs(inputs: list[Input], work: Path) -> tuple[Path, Path]:
    """Write the JSON lines file and the directory; set each input's origin."""
    jsonl = work / "fuzz.jsonl"
    folder = work / "files"
    folder.mkdir()
    lines = [it for it in inputs if it.kind == "line"]
    with jsonl.open("wb") as fh:
        for number, it in enumerate(lines, 1):
            fh.write(it.data + b"\n")
            it.origin = f"{jsonl}:{number}"
    for it in inputs:
        if it.kind == "file":
            path = folder / it.name
            path.write_bytes(it.data)
            it.origin = str(path)
    return jsonl, folder


def run_order(inputs: list[Input]) -> list[Input]:
    """Return the inputs in the order ``events ingest JSONL DIR`` reads them."""
    lines = [it for it in inputs if it.kind == "line"]
    files = sorted((it for it in inputs if it.kind == "file"), key=lambda it: it.name)
    return lines + files


def which_input(
    line: str, jsonl: Path, by_line: dict[int, Input], by_file: dict[int, Input]
) -> Input | None:
    """Return the input an outcome line names (by its line number or its file id)."""
    prefix = f"{jsonl}:"
    if line.startswith(prefix):
        digits = re.match(r"\d+", line[len(prefix) :])
        return by_line.get(int(digits.group())) if digits else None
    found = _FILE_ID.search(line)
    return by_file.get(int(found.group(1))) if found else None


def ingest_once(
    db: str, jsonl: Path, folder: Path, timeout: float, workers: int
) -> tuple[int | None, str]:
    """Run ``events --db DB ingest`` on what is left; return (exit code or None on hang, stderr)."""
    paths = []
    if any(line.strip() for line in jsonl.read_bytes().splitlines()):
        paths.append(str(jsonl))
    if any(folder.iterdir()):
        paths.append(str(folder))
    if not paths:
        return 0, ""
    argv = [*EVENTS, "--db", db, "ingest", *paths]
    if workers > 1:
        argv += ["--workers", str(workers)]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr or b""
        return None, err.decode("utf-8", "backslashreplace")
    return proc.returncode, proc.stderr.decode("utf-8", "backslashreplace")


def fuzz_database(
    db: str, inputs: list[Input], work: Path, timeout: float, workers: int
) -> dict[str, object]:
    """Ingest every input into ``db`` (resuming after each crash); return the figures."""
    for it in inputs:
        it.outcomes = []
    jsonl, folder = write_inputs(inputs, work)
    order = run_order(inputs)
    lines = [it for it in inputs if it.kind == "line"]
    by_line = {n: it for n, it in enumerate(lines, 1)}
    by_file = {it.index: it for it in inputs if it.kind == "file"}
    crashes: list[Crash] = []
    stray: list[str] = []
    gone: set[int] = set()  # inputs that stopped a run
    runs = 0
    t0 = time.perf_counter()
    while True:
        runs += 1
        code, err = ingest_once(db, jsonl, folder, timeout, workers)
        crashed_here = code is None or code not in (0, 1)
        pending: list[list[str]] = []  # tracebacks printed since the last outcome line
        entries, stray_here = parse_stderr(err)
        stray.extend(stray_here)
        for entry in entries:
            if isinstance(entry, list):
                pending.append(entry)
                continue
            status, rest, line = entry
            owner = which_input(rest, jsonl, by_line, by_file)
            if owner is None:
                stray.append(line)
                continue
            owner.outcomes.append((status, line))
            # A traceback the run survived (a logged exception) belongs to the
            # input whose outcome follows it.
            crashes.extend(Crash(owner, "logged traceback", tb) for tb in pending)
            pending = []
        err_lines = err.splitlines()
        # An uncaught exception exits with 1 too: a traceback after the last outcome is a crash.
        crashed_here = crashed_here or bool(pending)
        if not crashed_here:
            break
        # The command stopped: blame the first input without an outcome, then go on after it.
        culprit = next((it for it in order if not it.outcomes and it.index not in gone), None)
        kind = "hang" if code is None else f"exit {code}" + (" (traceback)" if pending else "")
        crashes.append(Crash(culprit, kind, pending[-1] if pending else err_lines[-40:]))
        if culprit is None:
            break
        gone.add(culprit.index)
        done = order[: order.index(culprit) + 1]
        blank = {it.origin for it in done if it.kind == "line"}
        with jsonl.open("wb") as fh:
            for it in lines:
                fh.write((b"" if it.origin in blank else it.data) + b"\n")
        for it in done:
            if it.kind == "file":
                Path(it.origin).unlink(missing_ok=True)
    seconds = time.perf_counter() - t0
    counts = Counter(status for it in inputs for status, _ in it.outcomes)
    unaccounted = [it for it in inputs if not it.outcomes and it.index not in gone]
    # A .json list or .ndjson file gives one outcome per record; anything else gives one.
    doubled = [
        it for it in inputs if len(it.outcomes) > 1 and not it.name.endswith((".json", ".ndjson"))
    ]
    good = [it for it in inputs if it.good]
    good_stored = [it for it in good if [s for s, _ in it.outcomes] == ["stored"]]
    return {
        "crashes": crashes,
        "stray": stray,
        "runs": runs,
        "seconds": seconds,
        "counts": counts,
        "unaccounted": unaccounted,
        "doubled": doubled,
        "good": good,
        "good_stored": good_stored,
    }


def check_database(db: str, inputs: list[Input]) -> list[str]:
    """Return what is wrong with the stored data (empty when intact)."""
    sys.path.insert(0, str(REPO))
    from sqlalchemy import bindparam, text

    from events import db as dblib

    problems = []
    queries = {
        "claims without their article": "select count(*) from claims c left join articles a "
        "on a.id = c.article_id where a.id is null",
        "claims linked to a missing event": "select count(*) from claims c left join events e "
        "on e.id = c.event_id where c.event_id is not null and e.id is null",
        "claim actors without their claim": "select count(*) from claim_actors x "
        "left join claims c on c.id = x.claim_id where c.id is null",
        "event actors without their event": "select count(*) from event_actors x "
        "left join events e on e.id = x.event_id where e.id is null",
        "events without a claim": "select count(*) from events e "
        "where not exists (select 1 from claims c where c.event_id = e.id)",
    }
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                check = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if check != "ok":
                    problems.append(f"integrity_check: {check}")
                fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if fk:
                    problems.append(f"foreign_key_check: {len(fk)} rows")
            for what, sql in queries.items():
                n = conn.execute(text(sql)).scalar()
                if n:
                    problems.append(f"{n} {what}")
            stored = sum(1 for it in inputs for s, _ in it.outcomes if s == "stored")
            articles = conn.execute(text("select count(*) from articles")).scalar()
            if articles != stored:
                problems.append(f"{articles} articles in the database, {stored} reported stored")
            ids = [it.good_id for it in inputs if it.good_id]
            by_id = text("select external_id from articles where external_id in :ids")
            by_id = by_id.bindparams(bindparam("ids", expanding=True))
            found = {
                row[0]
                for chunk in range(0, len(ids), 500)
                for row in conn.execute(by_id, {"ids": ids[chunk : chunk + 500]})
            }
            missing = [i for i in ids if i not in found]
            if missing:
                problems.append(f"{len(missing)} known-good records missing, e.g. {missing[0]}")
    finally:
        engine.dispose()
    return problems


def describe(it: Input | None) -> str:
    if it is None:
        return "(no input: after the last one)"
    where = it.name if it.kind == "file" else "JSON line"
    return f"#{it.index} {it.family} {where}, {len(it.data):,} bytes"


def report(
    label: str, res: dict, problems: list[str], inputs: list[Input], keep: Path | None
) -> int:  # type: ignore[type-arg]
    counts: Counter[str] = res["counts"]
    crashes: list[Crash] = res["crashes"]
    n_lines = sum(1 for it in inputs if it.kind == "line")
    print(f"== {label}")
    print(
        f"inputs:               {len(inputs):,} ({n_lines:,} JSON lines, "
        f"{len(inputs) - n_lines:,} files; "
        f"{len(res['good']):,} known good)"
    )
    print(
        f"stored:               {counts['stored']:,} "
        f"(+{counts['skipped']:,} skipped as already stored)"
    )
    print(f"failed with a line:   {counts['error']:,}")
    print(f"crashes:              {len(crashes)} (tracebacks, hangs, exit codes other than 0/1)")
    print(f"known good stored:    {len(res['good_stored']):,}/{len(res['good']):,}")
    print(f"unaccounted inputs:   {len(res['unaccounted'])} (no outcome line, no crash)")
    print(f"reported twice:       {len(res['doubled'])}")
    print(f"stray stderr lines:   {len(res['stray'])}")
    print(f"database:             {'intact' if not problems else '; '.join(problems)}")
    rate = len(inputs) / res["seconds"] if res["seconds"] else 0.0
    print(
        f"time:                 {res['seconds']:.1f} s ({rate:.1f} inputs/s), "
        f"{res['runs']} ingest run(s)"
    )
    for it in res["unaccounted"][:3] + res["doubled"][:3]:
        print(f"  check: {describe(it)}: {it.outcomes}")
    for line in res["stray"][:5]:
        print(f"  stray: {line[:200]}")
    groups: dict[str, list[Crash]] = defaultdict(list)
    for c in crashes:
        groups[c.signature()].append(c)
    for sig, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        smallest = min(members, key=lambda c: len(c.item.data) if c.item else 0)
        print(f"\n  {len(members)} x {sig}")
        print(f"    smallest: {describe(smallest.item)}")
        if smallest.item is not None:
            print(
                f"    data: {smallest.item.data[:300]!r}"
                + (" ..." if len(smallest.item.data) > 300 else "")
            )
            if keep:
                ext = Path(smallest.item.name).suffix if smallest.item.kind == "file" else ".jsonl"
                path = keep / f"crash-{smallest.item.index:05d}{ext}"
                path.write_bytes(smallest.item.data + (b"\n" if ext == ".jsonl" else b""))
                print(f"    written to {path}")
        own = [ln for ln in smallest.last_lines if f'"{REPO}/' in ln and "site-packages" not in ln]
        for line in own[-1:] + smallest.last_lines[-3:]:
            print(f"    | {line[:200]}")
    return len(crashes)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--inputs", type=int, default=2000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--db", action="append", default=[], help="also fuzz this (empty) database URL; repeatable"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the inputs, databases and crash reproducers in this directory",
    )
    parser.add_argument("--workers", type=int, default=1, help="pass --workers N to ingest")
    parser.add_argument(
        "--timeout",
        type=float,
        default=RUN_TIMEOUT_S,
        help="seconds one ingest run may take before it counts as a hang",
    )
    args = parser.parse_args()

    inputs = generate(args.inputs, args.seed)
    print(
        f"generated {len(inputs):,} inputs (seed {args.seed}): "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(it.family for it in inputs).items())),
        file=sys.stderr,
    )
    base = Path(tempfile.mkdtemp(prefix="events-fuzz-"))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    total = 0
    try:
        for label in ["sqlite", *args.db]:
            work = (args.keep or base) / (
                "sqlite" if label == "sqlite" else f"db{args.db.index(label) + 1}"
            )
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            db = str(work / "fuzz.db") if label == "sqlite" else label
            init = subprocess.run(
                [*EVENTS, "--db", db, "init"], capture_output=True, text=True, cwd=REPO
            )
            if init.returncode != 0:
                print(f"events init failed on {db}:\n{init.stderr}", file=sys.stderr)
                return 2
            res = fuzz_database(db, inputs, work, args.timeout, args.workers)
            problems = check_database(db, inputs)
            total += report(
                f"{label} ({db})" if label == "sqlite" else label, res, problems, inputs, args.keep
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\ncrashes in all: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
