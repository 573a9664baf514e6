"""Benchmark: a text without punctuation against the same words punctuated.

Both texts are generated here (templated news sentences, fixed seed); the
unpunctuated one is the punctuated one with ``. , ; : ! ?`` removed, so it is one
"sentence" of the whole size. Segment cuts such a span into bounded pieces
(``events.pipeline.segment.PIECE_CHARS``); without that, the later stages cost
time quadratic in the sentence's length (354 s for 2 MB, against 76 s).

    python bench/long_sentence.py [--size 2000000] [--seed 1]

Prints time, sentences, claims and the largest number of claims from one
sentence for each text, then the ratio of the times. Asserts nothing
(benchmarks are not tests); tests/test_hardening_ingest.py checks the bounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ACTORS = [
    "Syrian forces", "Russian troops", "Ukrainian soldiers", "Rebels", "The army", "Police",
    "Houthi fighters", "Government troops", "Militants", "The Iraqi defence ministry",
]  # fmt: skip
TARGETS = ["rebel positions", "an army convoy", "protesters", "a village", "militants"]
PLACES = ["Aleppo", "Idlib", "Mosul", "Kherson", "Goma", "Sanaa", "Marib", "Tripoli", "Gao"]
VERBS = ["shelled", "attacked", "bombed", "arrested", "raided", "captured", "accused"]
MONTHS = ["March", "April", "May", "June"]


def texts(size: int, seed: int = 1) -> tuple[str, str]:
    """Return (punctuated, unpunctuated) texts of about ``size`` characters, same words."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        sentence = (
            f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(TARGETS)} near "
            f"{rng.choice(PLACES)} on {rng.randint(1, 28)} {rng.choice(MONTHS)} 2023, killing "
            f"{rng.randint(2, 40)} people, officials said."
        )
        out.append(sentence)
        total += len(sentence) + 1
    punctuated = " ".join(out)
    return punctuated, re.sub(r"[.,;:!?]", "", punctuated)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=2_000_000, help="characters per text")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from events.ingest import extract, warm_up
    from events.pipeline.load import Overrides, load_bytes

    warm_up()
    times = {}
    for name, text in zip(("punctuated", "unpunctuated"), texts(args.size, args.seed), strict=True):
        doc = load_bytes(
            text.encode(), origin=name, overrides=Overrides(published=dt.date(2023, 7, 1))
        )
        started = time.perf_counter()
        extract(doc)
        times[name] = time.perf_counter() - started
        per_sentence = Counter(c.sentence_index for c in doc.claims)
        print(
            f"{name:>13}: {len(text):,} chars  {times[name]:7.1f} s  "
            f"{len(doc.sentences):,} sentences  {len(doc.claims):,} claims  "
            f"max {max(per_sentence.values(), default=0)} claims/sentence"
        )
    print(f"ratio unpunctuated/punctuated: {times['unpunctuated'] / times['punctuated']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
