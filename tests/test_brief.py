"""The brief over a hand-built ledger: sections, references, denials, figures, since, self-contained HTML, map."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_claim_analysis import story_ledger

from newstrace.model import Ledger
from newstrace.resolve.conflicts import resolve_figures
from newstrace.report.brief import build_brief, render_brief
from newstrace.report.svgmap import MapPlace, main_cluster, render_map


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return resolve_figures(story_ledger())  # figures are decided at ingest; the brief reads them


@pytest.fixture(scope="module")
def md(ledger) -> str:
    return render_brief(ledger, "md")


@pytest.fixture(scope="module")
def html(ledger) -> str:
    return render_brief(ledger, "html", since="2024-03-15")


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start:end if end > 0 else None]


def test_markdown_has_every_section(md):
    for title in ("The story in three lines", "Claims by status", "Denials", "Conflicting figures",
                  "Timeline of reported events", "Timeline of reporting", "Key actors", "Places",
                  "Open questions", "Sources"):
        assert f"## {title}" in md
    assert "What changed since" not in md  # only with `since`


def test_story_is_three_extractive_lines(md, ledger):
    story = _section(md, "The story in three lines")
    lines = [l for l in story.splitlines() if re.match(r"\d\. ", l)]
    assert len(lines) == 3
    sentences = {s.sentence for s in ledger.statements}
    for line in lines:
        text = re.sub(r"^\d\. ", "", line).split(" [d")[0]
        assert text in sentences  # extractive: a sentence of a report, as written
        assert re.search(r"\[d\d:s\d+\]", line)


def test_every_cited_ref_is_in_sources(md):
    body, sources = md.split("## Sources")
    body = body.split("\n## ", 1)[1]  # after the intro, which explains the notation with an example
    cited = set(re.findall(r"\[(d\d(?::(?:s\d+|@\d+))?)\]", body))
    listed = set(re.findall(r"^- \*\*\[([^\]]+)\]\*\*", sources, flags=re.M))
    assert cited and cited <= listed
    assert "“Satellite images taken on March 9" in sources  # the sentence is quoted
    assert "The Meridian Review, “Images show containers at depot”, 2024-03-20" in sources


def test_claims_grouped_by_status_with_counts(md):
    claims = _section(md, "Claims by status")
    # the ferries and guard claims rest on one named origin each: an unattributed line or unnamed
    # sources do not count
    assert "### Disputed (3)" in claims and "### Corroborated (0)" in claims and "### Alleged (4)" in claims
    line = next(l for l in claims.splitlines() if "The cargo papers were falsified" in l)
    assert "1 origin (United States), 5 outlets, 5 reports" in line
    assert "Evidence: satellite imagery (1 report)" in claims


def test_denials_listed(md):
    denials = _section(md, "Denials")
    assert "**Myrat Orazov** (Turkmenistan)" in denials
    assert "**Aigerim Sadykova** (Kazakh national railway)" in denials
    assert "[d2:s7]" in denials
    assert "Holbrook" not in denials.split("\n", 2)[2].split("said:")[0]  # no asserting speaker listed


def test_conflicting_figures_side_by_side(md):
    figures = _section(md, "Conflicting figures")
    rows = [l for l in figures.splitlines() if l.startswith("| ") and not l.startswith("| figure")]
    drones = [r for r in rows if "drones" in r]
    assert drones[0].startswith("| 400 |") and "United States" in drones[0] and "2024-03-13" in drones[0]
    assert drones[1].startswith("| 1,200 |") and "unnamed sources (Northern Dispatch)" in drones[1]
    assert any(r.startswith("| 150 |") for r in rows) and any(r.startswith("| 600 |") for r in rows)


def test_reporting_timeline_marks_copy_and_inferred_date(md):
    reporting = _section(md, "Timeline of reporting")
    assert "(copy of d1)" in reporting
    assert "2024-03-27 (from text)" in reporting
    dates = re.findall(r"^\| (\d{4}-\d\d-\d\d)", reporting, flags=re.M)
    assert dates == sorted(dates)


def test_actors_have_roles_and_chains(md):
    actors = _section(md, "Key actors")
    assert "| Darren Holbrook | State Department spokesman | State Department → United States | 10 |" in actors


def test_open_questions(md):
    q = _section(md, "Open questions")
    assert "*single origin*: The cargo papers were falsified" in q
    assert "*no public evidence*: Further shipments are likely" in q
    assert "*single origin*: Karakum ferries" in q  # the outlet's own line is not a second origin
    assert "*single origin*: A security force guards" in q  # unnamed sources never corroborate


def test_since_lists_new_claims_status_changes_and_origins(ledger):
    data = build_brief(ledger, since="2024-03-15")
    kinds = {(c["kind"], c["text"].split(" — ")[0]) for c in data["changes"]}
    assert ("new claim", "Drones also went by rail through Serhetyaka into Kazakhstan") in kinds
    assert ("new claim", "Karakum ferries switched off their transponders during crossings") in kinds
    assert ("status change", "The drones are crated at a rail depot near Bereket") in kinds
    assert not any(t.startswith("The cargo papers") for _k, t in kinds)  # one origin, nothing new
    late = build_brief(ledger, since="2024-03-30")
    assert late["changes"] == []


def test_since_new_origin():
    ledger = story_ledger()
    # a second, later US-independent origin for the hedged claim c4
    sts = tuple(replace(s, claim="c4", speaker="e_varga") if s.id == "s12" else s for s in ledger.statements)
    data = build_brief(replace(ledger, statements=sts), since="2024-03-15")
    assert any(c["kind"] in ("new origin", "status change") and "Further shipments" in c["text"]
               for c in data["changes"])


def test_html_is_self_contained(html, ledger):
    urls = {d.url for d in ledger.documents}
    for m in re.finditer(r"https?://[^\s\"'<>]+", html):
        assert m.group(0) in urls, m.group(0)
        before = html[max(0, m.start() - 9):m.start()]
        assert before.endswith('<a href="') or before.endswith('">'), before  # text links only
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert " src=" not in html and "@import" not in html and "url(http" not in html


def test_html_refs_point_to_quoted_sources(html):
    targets = set(re.findall(r'href="#(ref-[^"]+)"', html))
    anchors = set(re.findall(r'<li id="(ref-[^"]+)">', html))
    assert targets and targets <= anchors
    assert "<q>Satellite images taken on March 9" in html
    assert "What changed since 2024-03-15" in html


def test_html_escapes_report_text(ledger):
    docs = tuple(replace(d, title="Drones <script>alert(1)</script>") if d.id == "d1" else d for d in ledger.documents)
    out = render_brief(replace(ledger, documents=docs), "html")
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_svg_has_a_point_per_place(ledger, html):
    data = build_brief(ledger)
    on_map = [p["name"] for p in data["places"] if p["name"] not in data["off_map"]]
    assert data["off_map"] == ["Washington"]  # far from the Caspian cluster: listed, not drawn
    svg = data["map_svg"]
    assert svg.count('class="place"') == len(on_map) == 6
    for name in on_map:
        assert f'data-name="{name}"' in svg
    assert 'class="country"' in svg and "Turkmenistan" in svg
    assert svg in html


def test_render_map_on_its_own():
    places = [MapPlace("A", 10.0, 20.0), MapPlace("B", 11.0, 21.0), MapPlace("C", -40.0, 150.0)]
    near, far = main_cluster(places)
    assert [p.name for p in far] == ["C"]
    svg = render_map(near)
    assert svg.startswith("<svg") and svg.count('class="place"') == 2
    assert render_map([]) == ""


def test_map_centres_on_the_places_the_claims_name_not_the_most_places():
    """Four places named in passing in one area, three along a route that the claims keep naming in
    another: the map shows the route."""
    passing = [MapPlace(f"P{i}", 48.0 + i * 0.5, 37.0 + i * 0.5) for i in range(4)]
    route = [MapPlace("Port", 42.2, 130.3, weight=6.0), MapPlace("Bridge", 42.4, 130.6, weight=4.0),
             MapPlace("Yard", 42.9, 132.3, weight=3.0)]
    near, far = main_cluster(passing + route)
    assert {p.name for p in near} == {"Port", "Bridge", "Yard"}
    assert {p.name for p in far} == {f"P{i}" for i in range(4)}


def test_unknown_format_rejected(ledger):
    with pytest.raises(ValueError):
        render_brief(ledger, "pdf")


def test_empty_ledger_renders():
    out = render_brief(Ledger(), "md")
    assert "No claims yet." in out and "No denials reported." in out


def test_evidence_counts_are_read_from_the_analysis(ledger):
    from newstrace.resolve.status import analyse_claims

    analysed = analyse_claims(ledger)
    cited = [c for c in analysed.claims if c.evidence]
    assert cited and all([k for k, _n in c.evidence_reports] == list(c.evidence) for c in cited)
    assert any(n >= 2 for c in cited for _k, n in c.evidence_reports)  # a kind described by several reports

    def evidence(data):
        return {v["id"]: v["evidence"] for _status, views in data["claims_by_status"] for v in views}

    stored = evidence(build_brief(analysed))
    assert all(stored[c.id] == list(c.evidence_reports) for c in cited)
    # a store analysed before the counts were kept (migration 0008): the brief counts them itself, alike
    older = replace(analysed, claims=tuple(replace(c, evidence_reports=()) for c in analysed.claims))
    assert evidence(build_brief(older)) == stored
