"""Check that a user's SQL condition (``export --where``) is one self-contained expression.

The condition is placed inside parentheses in the export's query. Rights are
enforced by the database (read-only connection, reader role); this check is
about *shape*: the text must not close a parenthesis it did not open, end the
statement, or hide the rest of the query in a comment, so it can only ever be
the condition it claims to be. Lexing follows the SQL rules that SQLite and
PostgreSQL share; constructs the two lex differently (backslash escapes,
dollar quoting, bracket and backtick identifiers) are refused with a hint,
since a condition never needs them.
"""

from __future__ import annotations

from events.errors import QueryError

#: Longest condition accepted; a filter is a line or two, not a program.
MAX_CONDITION_CHARS = 10_000


def check_condition(condition: str) -> str:
    """Return ``condition`` stripped if it is one balanced expression, else raise QueryError."""
    text = condition.strip()
    if not text:
        raise QueryError('--where is empty: give a condition such as "fatalities_best >= 10"')
    if len(text) > MAX_CONDITION_CHARS:
        raise QueryError(f"--where is longer than {MAX_CONDITION_CHARS:,} characters")
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            # A string literal: '' is an escaped quote; no other escapes are read.
            if i > 0 and text[i - 1] in "eE" and (i < 2 or not _word(text[i - 2])):
                raise _refuse("E'...' strings (backslash escapes)", "write the value plainly")
            end = _closing(text, i, "'")
            if "\\" in text[i + 1 : end]:
                raise _refuse(
                    "a backslash inside a string",
                    "servers differ in how they read it; use LIKE ... ESCAPE '!' instead",
                )
            i = end + 1
            continue
        if c == '"':
            i = _closing(text, i, '"') + 1
            continue
        if c in "`[]":
            raise _refuse(f"the character {c!r}", 'quote names with double quotes ("name")')
        if c == "$":
            raise _refuse("'$'", "dollar quoting and positional parameters are not conditions")
        if c == "\\":
            raise _refuse("a backslash", "a condition does not need one")
        if c == ";":
            raise _refuse("';'", "--where takes one condition, not statements")
        if text.startswith("--", i) or text.startswith("/*", i) or text.startswith("*/", i):
            raise _refuse("an SQL comment", "remove it")
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise _refuse(
                    "a ')' that closes a parenthesis it did not open",
                    "the condition must be one expression",
                )
        i += 1
    if depth:
        raise _refuse("an unclosed '('", "balance the parentheses")
    return text


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _closing(text: str, start: int, quote: str) -> int:
    """Return the index of the quote that ends the quoted run starting at ``start``."""
    i = start + 1
    while True:
        j = text.find(quote, i)
        if j < 0:
            what = "string" if quote == "'" else "quoted name"
            raise QueryError(f"--where has an unterminated {what} (a missing {quote})")
        if j + 1 < len(text) and text[j + 1] == quote:  # doubled: an escaped quote
            i = j + 2
            continue
        return j


def _refuse(what: str, hint: str) -> QueryError:
    return QueryError(f"refused: --where contains {what}: {hint}")
