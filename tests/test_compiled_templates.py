"""A Jinja template compiled once is not compiled again (render/compiled.py): the same code, from the cache on disk."""

from __future__ import annotations

import pytest
from jinja2 import TemplateSyntaxError

from hso_xl.render import compiled
from hso_xl.render.environment import make_environment

SOURCE = "<w:t>{{ kommun.namn }} får {{ belopp|kr }}</w:t>"


@pytest.fixture
def compilings(monkeypatch, tmp_path):
    """The cache in a folder of the test's own; counts the templates actually compiled."""
    monkeypatch.setenv("HSO_XL_CACHE", str(tmp_path))
    done = []

    def counted(env):
        def compile_source(source):
            done.append(source)
            return env.compile(source)
        return compile_source

    return done, counted, tmp_path / "jinja"


def test_a_kept_template_renders_as_a_compiled_one(compilings):
    done, counted, folder = compilings
    context = {"kommun": {"namn": "Ånge kommun"}, "belopp": 454407}
    first, second = make_environment(), make_environment()  # two processes' environments
    code = compiled.kept_or_compiled(first, SOURCE, counted(first))
    again = compiled.kept_or_compiled(second, SOURCE, counted(second))
    assert done == [SOURCE] and len(list(folder.glob("*.code"))) == 1
    rendered = second.template_class.from_code(second, again, second.make_globals(None), None).render(context)
    assert rendered == first.template_class.from_code(first, code, first.make_globals(None), None).render(context)
    assert "Ånge kommun" in rendered and "454\u00a0407" in rendered
    assert second.from_string(SOURCE).render(context) == rendered  # the environment's own path, from the cache


def test_another_environment_or_text_compiles_anew_and_a_broken_file_is_compiled_again(compilings):
    done, counted, folder = compilings
    env = make_environment()
    compiled.kept_or_compiled(env, SOURCE, counted(env))
    other = make_environment()
    other.filters["extra"] = str  # a filter more: another environment
    compiled.kept_or_compiled(other, SOURCE, counted(other))
    compiled.kept_or_compiled(env, SOURCE + " ", counted(env))
    assert len(done) == 3
    for kept in folder.glob("*.code"):
        kept.write_bytes(b"not code")
    compiled.kept_or_compiled(env, SOURCE, counted(env))
    assert len(done) == 4


def test_a_template_that_does_not_compile_is_said_and_never_kept(compilings):
    _done, counted, folder = compilings
    env = make_environment()
    with pytest.raises(TemplateSyntaxError):
        compiled.kept_or_compiled(env, "{% if kommun %}utan slut", counted(env))
    assert not list(folder.glob("*.code"))


def test_off_compiles_every_time(monkeypatch):
    monkeypatch.setenv("HSO_XL_CACHE", "off")
    env = make_environment()
    done = []
    for _ in range(2):
        compiled.kept_or_compiled(env, SOURCE, lambda source: done.append(source) or env.compile(source))
    assert done == [SOURCE, SOURCE]


def test_changed_code_compiles_anew(compilings, monkeypatch):
    # Jinja calls filters on constants while compiling: {{ 1234567|kr }} is kept as its text
    done, counted, _folder = compilings
    env = make_environment()
    compiled.kept_or_compiled(env, "{{ 1234567|kr }}", counted(env))
    monkeypatch.setattr(compiled, "_code_version", lambda: b"another hso-xl")
    compiled.kept_or_compiled(env, "{{ 1234567|kr }}", counted(env))
    assert len(done) == 2
