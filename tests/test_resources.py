"""Resources through one object built from settings: the bundled files overlaid by a domain pack.

The pack here is invented: a place the bundled gazetteer lacks (Quillmarsh, which the fused-word
cleaner would otherwise split), and a reporting verb ("muse") read as a hedge.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newstrace import resources
from newstrace.api import extract_texts
from newstrace.errors import DomainPackError, SettingError
from newstrace.resources import (Resources, active_resources, clear_derived_caches, load_lines, load_yaml,
                                 resource_path, resources_in_use, use_resources, use_resources_of)
from newstrace.settings import SETTINGS_TABLE, load_settings

REPORT = """Ferry service resumes

Officials from the harbour board mused that the crossing to Quillmarsh was safe again.
"""


@pytest.fixture(autouse=True)
def bundled_after():
    """Every test leaves the bundled resources active, whatever it switched to."""
    yield
    use_resources(Resources())


def write_pack(folder, files: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "ferries", {
        "gazetteer_places.yaml": "places:\n  - {name: Quillmarsh, lat: 57.31, lon: -4.62, country: GB}\n",
        "known_names.txt": "# names the fused-word cleaner must not split\nQuillmarsh\n",
        "reporting_cues.yaml": "verbs:\n  muse: hedge\n",
        "ferry_routes.yaml": "routes: [north, south]\n",
    })


def extract(settings):
    (result,) = extract_texts([REPORT], settings)
    return result


def quillmarsh(result):
    return [m for m in result.extraction.mentions if m.lat is not None and "Quillmarsh" in m.text]


def test_a_pack_extends_the_bundled_files(pack):
    bundled = Resources()
    packed = Resources(pack)
    places = packed.yaml("gazetteer_places.yaml")
    # mapping merged key by key: the pack's place is appended to the bundled list, other keys kept
    assert places["places"][:-1] == bundled.yaml("gazetteer_places.yaml")["places"]
    assert places["places"][-1]["name"] == "Quillmarsh"
    assert places["demonyms"] == bundled.yaml("gazetteer_places.yaml")["demonyms"]
    cues = packed.yaml("reporting_cues.yaml")
    assert cues["verbs"]["muse"] == "hedge" and cues["verbs"]["say"] == "assert"
    assert packed.lines("known_names.txt") == bundled.lines("known_names.txt") + ("Quillmarsh",)
    assert packed.yaml("ferry_routes.yaml") == {"routes": ["north", "south"]}  # a new file is available
    with pytest.raises(FileNotFoundError):
        bundled.yaml("ferry_routes.yaml")
    # an extended file keeps its bundled path; a new one is the pack's
    assert packed.path("reporting_cues.yaml") == bundled.path("reporting_cues.yaml")
    assert packed.path("ferry_routes.yaml") == str(pack / "ferry_routes.yaml")
    assert bundled.yaml("gazetteer_places.yaml")["places"][-1]["name"] != "Quillmarsh"  # nothing mutated


def test_merge_rules_nested_mappings_lists_and_scalars(tmp_path):
    base = write_pack(tmp_path / "base", {"t.yaml": "a: {x: 1, y: [1]}\nb: old\nc: [1, 2]\nd: keep\n",
                                          "l.yaml": "- one\n"})
    packed = write_pack(tmp_path / "pack", {"t.yaml": "a: {y: [2], z: 3}\nb: new\nc: [3]\nd:\ne: added\n",
                                            "l.yaml": "- two\n"})
    r = Resources(packed, bundled=base)
    assert r.yaml("t.yaml") == {"a": {"x": 1, "y": [1, 2], "z": 3}, "b": "new", "c": [1, 2, 3], "d": "keep",
                                "e": "added"}
    assert r.yaml("l.yaml") == ["one", "two"]


def test_the_pack_changes_what_extraction_finds_and_switching_back_restores_it(pack):
    rules = load_settings(attribution="rules")
    before = extract(rules)
    assert not quillmarsh(before)
    assert "Quill marsh" in before.clean.text  # the fused-word cleaner splits the unknown name
    assert [st.stance for st in before.extraction.statements] == ["assert"]

    with_pack = extract(load_settings(attribution="rules", domain_pack=str(pack)))
    assert active_resources().pack == str(pack)
    (place,) = quillmarsh(with_pack)
    assert (place.lat, place.lon, place.country) == (57.31, -4.62, "GB")
    assert "Quillmarsh" in with_pack.clean.text
    (statement,) = with_pack.extraction.statements
    assert (statement.cue, statement.stance) == ("mused", "hedge")

    again = extract(rules)  # the derived tables (gazetteer, cue lexicon, known names) are rebuilt
    assert active_resources().pack is None
    assert not quillmarsh(again) and "Quill marsh" in again.clean.text
    assert [st.stance for st in again.extraction.statements] == ["assert"]


def test_replace_listed_in_pack_yaml_replaces_the_bundled_file(tmp_path):
    from newstrace.clean.boilerplate import stopwords

    bundled = stopwords()
    assert len(bundled) > 50
    pack = write_pack(tmp_path / "small", {"pack.yaml": "name: small\nreplace: [stopwords_en.txt, titles.yaml]\n",
                                           "stopwords_en.txt": "thee\nthou\n",
                                           "titles.yaml": "- a list where the bundled file has a mapping\n"})
    with resources_in_use(Resources(pack)) as r:
        assert load_lines("stopwords_en.txt") == ("thee", "thou")
        assert stopwords() == frozenset({"thee", "thou"})  # the derived cache was cleared
        assert load_yaml("titles.yaml") == ["a list where the bundled file has a mapping"]
        assert resource_path("stopwords_en.txt") == str(pack / "stopwords_en.txt")
        assert r.name == "small" and r.replaced == {"stopwords_en.txt", "titles.yaml"}
    assert stopwords() == bundled


def test_a_model_folder_in_the_pack_replaces_the_bundled_one(tmp_path):
    from newstrace.extract.tagger import MODEL_DIR, load_tagger

    pack = write_pack(tmp_path / "untrained", {f"{MODEL_DIR}/README.txt": "no weights yet\n"})
    bundled_folder = resource_path(MODEL_DIR)
    with resources_in_use(Resources(pack)):
        assert resource_path(MODEL_DIR) == str(pack / MODEL_DIR)
        assert load_tagger() is None  # a folder without weights: no tagger (the rules run)
    assert resource_path(MODEL_DIR) == bundled_folder


@pytest.mark.parametrize("files, problem", [
    ({"reporting_cues.yaml": "verbs: [muse\n"}, "not valid YAML"),
    ({"reporting_cues.yaml": "- muse\n"}, "a list, but the bundled reporting_cues.yaml is a mapping"),
    ({"reporting_cues.yaml": "verbs: [muse]\n"}, "at `verbs`: a list, but the bundled reporting_cues.yaml has a mapping"),
    ({"known_names.txt": b"Quill\xffmarsh\n"}, "not UTF-8"),
    ({"pack.yaml": "replace: [nothing_here.yaml]\n"}, "the pack does not hold"),
    ({"pack.yaml": "replaces: [known_names.txt]\n"}, "unknown key replaces"),
])
def test_a_bad_pack_is_refused_naming_the_file_and_the_problem(tmp_path, files, problem):
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(DomainPackError) as err:
        Resources(folder)
    message = str(err.value)
    assert message.startswith("[E042] ") and problem in message, message
    assert str(folder / next(iter(files))) in message
    assert isinstance(err.value, SettingError) and err.value.exit_status == 2
    assert active_resources().pack is None  # nothing switched


def test_a_missing_pack_folder_is_refused(tmp_path):
    with pytest.raises(DomainPackError, match=r"\[E042\] .*nowhere: no such folder"):
        Resources.from_settings(load_settings(domain_pack=str(tmp_path / "nowhere")))
    (tmp_path / "file.yaml").write_text("a: 1\n")
    with pytest.raises(DomainPackError, match="not a folder"):
        Resources(tmp_path / "file.yaml")


def test_switching_clears_derived_caches_only_when_the_resources_differ(pack, monkeypatch):
    from newstrace.extract.cues import cue_lexicon

    cleared = []
    monkeypatch.setattr(resources, "clear_derived_caches", lambda: cleared.append(1) or 0)
    use_resources_of(load_settings())
    use_resources_of(load_settings())
    assert cleared == []  # the same resources: caches kept (every ingest calls this)
    use_resources_of(load_settings(domain_pack=str(pack)))
    assert cleared == [1]
    (pack / "known_names.txt").write_text("Quillmarsh\nBrellowick\n", encoding="utf-8")
    use_resources_of(load_settings(domain_pack=str(pack)))  # the pack's files changed
    assert cleared == [1, 1] and "Brellowick" in load_lines("known_names.txt")
    monkeypatch.undo()
    cue_lexicon()
    assert clear_derived_caches() > 20  # every lru_cache of the newstrace modules
    assert cue_lexicon.cache_info().currsize == 0


def test_the_setting_comes_from_the_environment_and_is_listed(pack, monkeypatch):
    assert "domain_pack" in {name for name, _default, _help in SETTINGS_TABLE}
    monkeypatch.setenv("NEWSTRACE_DOMAIN_PACK", os.path.relpath(pack))
    assert load_settings().domain_pack == str(pack)  # made absolute for workers elsewhere


POOL_SCRIPT = """
import json, sys
from newstrace.model import RawReport
from newstrace.process import process_reports
from newstrace.resources import active_resources
from newstrace.settings import load_settings

report, pack = sys.argv[1], sys.argv[2]
settings = load_settings(attribution="rules", domain_pack=pack, processes=2)
raws = [RawReport(source=f"r{k}", text=report.replace("Officials", f"Officials ({k})")) for k in range(17)]
results = list(process_reports(raws, settings))  # 2 chunks: a pool of 2 worker processes
places = [[m.text for m in r.extraction.mentions if m.lat is not None] for r in results]
print(json.dumps({"places": places, "here": active_resources().pack}))
"""


def test_process_pool_workers_take_the_pack_from_their_settings(pack):
    """Pool workers make the resources their settings name active, though forked from a process
    holding the bundled ones.  (A fresh interpreter: forking a process whose torch threads ran
    earlier tests can hang the children.)"""
    proc = subprocess.run([sys.executable, "-c", POOL_SCRIPT, REPORT, str(pack)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["here"] is None  # this process kept its own
    assert out["places"] == [["Quillmarsh"]] * 17


def test_the_dask_task_takes_the_pack_from_its_settings(pack):
    from newstrace.engine.tasks import run_chunk
    from newstrace.model import RawReport

    use_resources(Resources())
    (result,) = run_chunk([RawReport(source="r", text=REPORT)], load_settings(attribution="rules", domain_pack=str(pack)))
    assert quillmarsh(result) and active_resources().pack == str(pack)


def test_the_cli_takes_a_domain_pack(pack, tmp_path, monkeypatch):
    from newstrace.cli import app

    monkeypatch.setenv("NEWSTRACE_ATTRIBUTION", "rules")
    runner = CliRunner()
    assert "--domain-pack" in runner.invoke(app, ["--help"]).output
    report = tmp_path / "ferry.txt"
    report.write_text(REPORT, encoding="utf-8")
    db, out = str(tmp_path / "store.db"), tmp_path / "ledger.json"
    result = runner.invoke(app, ["--db", db, "--domain-pack", str(pack), "ingest", str(report), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 1
    assert runner.invoke(app, ["--db", db, "export", "--output", str(out)]).exit_code == 0
    ledger = json.loads(out.read_text())
    assert [(st["cue"], st["stance"]) for st in ledger["statements"]] == [("mused", "hedge")]
    assert any(e["name"] == "Quillmarsh" for e in ledger["entities"])

    bad = runner.invoke(app, ["--db", db, "--domain-pack", str(tmp_path / "nowhere"), "status"])
    assert bad.exit_code == 2
    assert "[E042]" in bad.output and "nowhere: no such folder" in bad.output
