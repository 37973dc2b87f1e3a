"""Cell tracking: a document's manifest names exactly the cells of the figures its template read."""

from __future__ import annotations

from hso_xl.render.environment import make_environment
from hso_xl.render.tracking import Recorder

CONTEXT = {
    "projekt": {"namn": "HSO", "celler": ["Projekt!B2"]},
    "kommuner": [
        {"namn": "Ånge", "totalt": 1363221, "celler": ["Kommuner!E5"], "ar": {"2027": {"v": 1, "celler": ["K!B5"]}}},
        {"namn": "Timrå", "totalt": 1, "celler": ["Kommuner!E6"]},
    ],
}


def render(source: str) -> set[str]:
    recorder = Recorder()
    make_environment().from_string(source).render(recorder.wrap(CONTEXT))
    return recorder.cells


def test_only_what_is_read_is_recorded():
    assert render("{{ projekt.namn }}") == {"Projekt!B2"}
    assert render("{{ kommuner[1].totalt }}") == {"Kommuner!E6"}
    assert render("hej") == set()


def test_loops_and_nested_values_are_tracked():
    assert render("{% for k in kommuner %}{{ k.namn }}{% endfor %}") == {"Kommuner!E5", "Kommuner!E6"}
    assert render("{% for k, v in kommuner[0].ar.items() %}{{ v.v }}{% endfor %}") >= {"K!B5"}
    assert render("{{ (kommuner | first).ar['2027'].v }}") == {"Kommuner!E5", "K!B5"}


def test_the_context_is_not_changed_by_tracking():
    render("{% for k in kommuner %}{% if 'ar' in k %}{{ k.ar['2027'].v }}{% endif %}{% endfor %}")
    assert type(CONTEXT["kommuner"][0]["ar"]) is dict and type(CONTEXT["kommuner"]) is list
