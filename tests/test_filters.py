"""The Swedish Jinja filters as templates use them."""

import datetime as dt
from decimal import Decimal

import pytest
from jinja2 import TemplateError, UndefinedError

from hso_xl.render.environment import make_environment

NB = "\u00a0"


@pytest.mark.parametrize("source, value, expected", [
    ("{{ v|kr }}", 1363221, f"1{NB}363{NB}221{NB}kr"),
    ("{{ v|kronor }}", 454407, f"454{NB}407{NB}kronor"),
    ("{{ v|belopp(2) }}", Decimal("13279868.45"), f"13{NB}279{NB}868,45"),
    ("{{ v|tkr }}", 1363221, f"1{NB}363{NB}tkr"),
    ("{{ v|mnkr }}", 40196257, f"40,2{NB}mnkr"),
    ("{{ v|procent }}", Decimal("0.4"), f"40{NB}%"),
    ("{{ v|procent(2) }}", Decimal("0.3999999433"), f"40,00{NB}%"),
    ("{{ v|datum }}", dt.date(2027, 4, 30), "2027-04-30"),
    ("{{ v|datum_lang }}", dt.datetime(2027, 4, 30, 0, 0), "30 april 2027"),
    ("{{ v|datum_lang }}", "2026-01-22", "22 januari 2026"),
    ("{{ v|svsort|join(',') }}", ["Örnsköldsvik", "Ånge", "Timrå", "Härnösand"], "Härnösand,Timrå,Ånge,Örnsköldsvik"),
    ("{{ v|svsort('namn')|map(attribute='namn')|join(',') }}", [{"namn": "Ärla"}, {"namn": "Åre"}, {"namn": "Zinkgruvan"}],
     "Zinkgruvan,Åre,Ärla"),
], ids=lambda x: x if isinstance(x, str) and x.startswith("{{") else None)
def test_filter(source, value, expected):
    assert make_environment().from_string(source).render(v=value) == expected


def test_undefined_value_in_filter_names_the_variable():
    with pytest.raises(UndefinedError, match="totlat"):
        make_environment().from_string("{{ kommun.totlat|kr }}").render(kommun={"totalt": 1})


@pytest.mark.parametrize("source", ["{{ ''.__class__.__mro__ }}", "{{ x.__globals__ }}",
                                    "{% import 'os' as os %}", "{% include '/etc/passwd' %}"])
def test_sandbox_refuses(source):
    with pytest.raises(TemplateError):  # SecurityError, UndefinedError or TemplateNotFound: never output
        make_environment().from_string(source).render(x=lambda: 1)


@pytest.mark.parametrize("value", ["30/1/2026", "snart", 2026])
def test_date_filters_refuse_what_is_not_a_date(value):
    env = make_environment()
    with pytest.raises(ValueError, match="is not a date .*2027-04-30"):
        env.from_string("{{ v|datum }}").render(v=value)


@pytest.mark.parametrize("source, value, swedish", [
    ("{{ v|datum }}", "31/12/2029",
     "'31/12/2029' är inget datum (skriv datum i arbetsboken som datum, eller som text i formen 2027-04-30)"),
    ("{{ v|kr }}", None, "här ska det vara ett belopp, men värdet är None"),
    ("{{ v|svsort('namn') }}", [1, 2], "svsort('namn'): posterna har inget 'namn' att sortera efter"),
])
def test_a_wrong_value_is_explained_in_swedish(source, value, swedish):
    from hso_xl.i18n import speaking

    with pytest.raises((TypeError, ValueError)) as caught:
        make_environment().from_string(source).render(v=value)
    with speaking("sv"):
        assert str(caught.value) == swedish
