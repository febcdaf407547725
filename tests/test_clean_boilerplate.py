"""Boilerplate removal on reports written for these tests, and the floor on the labelled line set."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from newstrace.clean import clean_report, line_key
from newstrace.model import RawReport

ROOT = Path(__file__).resolve().parents[1]

PLAIN = """Harbour officials deny ferry claims
By Mira Holt · 4 May 2024

BAKU – Port officials on Friday denied that ferries had carried military cargo across the sea.
Share this article
A ferry docked at the container terminal in the morning.
A ferry docked at the container terminal in the morning. Photograph: Jan Roe/Agency
"Every container is scanned," port director Elnur Aliyev told reporters.
Related stories
Ferry traffic doubles in a year
New terminal opens on the coast
The ministry said it would publish inspection records next week.
Follow this reporter on Twitter @miraholt_news
3 Comments
"""

HTML_EXTRACT = """Home
World
Business
Opinion
Subscribe
Rail freight surges at border crossing
Freight volumes at the border station rose by a third in March, the railway company said on Monday.
Independent reporting needs your support. Donate today from just £2 a month.
The company said most of the cargo was grain and fertiliser bound for the south.
Download the Courier app
© 2024 The Courier. All rights reserved.
"""


def _removed(raw: RawReport, **kw) -> dict[str, str]:
    return {r.text: r.kind for r in clean_report(raw, **kw).removals}


def test_plain_text_boilerplate_goes_and_body_stays() -> None:
    raw = RawReport("t.txt", PLAIN, author="Mira Holt")
    clean = clean_report(raw)
    removed = {r.text: r.kind for r in clean.removals}
    assert removed == {
        "By Mira Holt · 4 May 2024": "navigation",
        "Share this article": "share",
        "A ferry docked at the container terminal in the morning. Photograph: Jan Roe/Agency": "caption_repeat",
        "Related stories": "related",
        "Ferry traffic doubles in a year": "related",
        "New terminal opens on the coast": "related",
        "Follow this reporter on Twitter @miraholt_news": "social_handle",
        "3 Comments": "comments",
    }
    assert clean.text.startswith("Harbour officials deny ferry claims\n")  # the headline is kept
    assert "port director Elnur Aliyev told reporters" in clean.text
    assert "inspection records next week." in clean.text
    assert clean.text.count("A ferry docked at the container terminal") == 1  # the caption stays once


def test_html_extracted_text_menu_appeal_and_footer() -> None:
    removed = _removed(RawReport("p.html", HTML_EXTRACT, media_type="text/html"))
    assert set(removed) == {"Home", "World", "Business", "Opinion", "Subscribe",
                            "Independent reporting needs your support. Donate today from just £2 a month.",
                            "Download the Courier app", "© 2024 The Courier. All rights reserved."}
    assert removed["Home"] == "navigation" and removed["Download the Courier app"] == "app_promo"


def test_trailing_appeal_goes_as_a_block_with_the_repeated_title() -> None:
    body = "\n\n".join(f"Paragraph {i} reports that the talks continued late into the night." for i in range(8))
    text = ("Talks run late in the capital\n\n" + body + "\n\nWe have a small favour to ask of our readers."
            "\n\nEvery day we publish reporting that stays free to read for everyone, everywhere."
            "\n\nIt costs money to keep it that way.\n\nTalks run late in the capital")
    clean = clean_report(RawReport("t.txt", text))
    kinds = [r.kind for r in clean.removals]
    assert kinds == ["donation", "donation", "donation", "title_repeat"]
    assert clean.text.endswith("continued late into the night.")


def test_quotation_lines_survive_weak_rules() -> None:
    text = ("Minister rejects claims\n\n"
            '"Become a member of our alliance and you will be safe," the minister told reporters.\n\n'
            "Become a member today.")
    removed = _removed(RawReport("t.txt", text))
    assert list(removed) == ["Become a member today."]


def test_section_headings_are_kept() -> None:
    text = ("Drone deliveries questioned\n\nThe first paragraph says the shipments began in March.\n\n"
            "The rail route\n\nThe second paragraph describes the railway from the depot to the border.\n\n"
            "What comes next?\n\nThe third paragraph says officials expect more reports soon.")
    assert _removed(RawReport("t.txt", text)) == {}


def test_outlet_furniture_seen_in_earlier_reports_goes() -> None:
    text = ("Grain exports rise\n\nExports of grain rose sharply in April, the ministry said.\n\n"
            "Listen to our daily podcast wherever you get your podcasts\n\nThe ministry expects more in May.")
    furniture = "Listen to our daily podcast wherever you get your podcasts"
    assert _removed(RawReport("t.txt", text)) == {}
    assert _removed(RawReport("t.txt", text), outlet_lines={line_key(furniture): 3}) == {furniture: "boilerplate"}


def test_outlet_counts_do_not_gut_a_republished_article() -> None:
    lines = [f"Sentence number {i} of a report that this outlet published twice." for i in range(6)]
    text = "A repeated report\n\n" + "\n\n".join(lines)
    counts = {line_key(l): 2 for l in lines}
    assert _removed(RawReport("t.txt", text), outlet_lines=counts) == {}


def test_aggregator_header_before_the_headline() -> None:
    text = ("Read all your news in one place.\nStart reading\nThe Daily Star\nWorld\nJane Roe\n\n"
            "Ports brace for a busy season\n\nShipping lines expect record volumes this summer, analysts said.")
    clean = clean_report(RawReport("t.txt", text))
    assert clean.text.startswith("Ports brace for a busy season")
    assert len(clean.removals) == 5


def _benchmark():
    spec = importlib.util.spec_from_file_location("bench_boilerplate", ROOT / "benchmarks" / "boilerplate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_labelled_set_floor(seeds_dir: Path) -> None:
    """Regression gate: precision >= 0.95 and recall >= 0.95 of removed lines on the labelled set."""
    res = _benchmark().evaluate()
    assert res.files >= 5 and res.tp + res.fn >= 50
    assert res.precision >= 0.95, res.errors
    assert res.recall >= 0.95, res.errors
    assert res.same_kind >= 0.9 * res.tp
