"""The ``.env`` reader (``config.env.load_dotenv``): what a county's IT writes in the file reaches
the settings as written, what is already in the environment wins, and a line that is no setting
stops the start with its line number instead of leaving a setting at its default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import load_dotenv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def environ(monkeypatch):
    """os.environ restored after the test, with the names the tests write cleared first."""
    for name in [name for name in os.environ if name.startswith("LUOTSI_DOTENV_")]:
        monkeypatch.delenv(name)
    yield os.environ
    for name in [name for name in os.environ if name.startswith("LUOTSI_DOTENV_")]:
        del os.environ[name]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_as_written_comments_and_blank_lines_skipped(tmp_path, environ):
    load_dotenv(_write(tmp_path, (
        "# Luotsi\n"
        "; a systemd comment\n"
        "\n"
        "LUOTSI_DOTENV_PLAIN=value\n"
        "  LUOTSI_DOTENV_SPACES = spaced value  \n"
        'LUOTSI_DOTENV_DOUBLE="a value # with a hash"\n'
        "LUOTSI_DOTENV_SINGLE='it''s'\n"
        "LUOTSI_DOTENV_EQUALS=postgres://u:p@db/luotsi?options=-c search_path=x\n"
        "LUOTSI_DOTENV_EMPTY=\n"
        "export LUOTSI_DOTENV_EXPORTED=1\n"
        "LUOTSI_DOTENV_UNBALANCED=\"abc'\n"
        "LUOTSI_DOTENV_UNICODE=Hyvinvointialue Åland ÄÖ\n")))
    assert environ["LUOTSI_DOTENV_PLAIN"] == "value"
    assert environ["LUOTSI_DOTENV_SPACES"] == "spaced value"
    assert environ["LUOTSI_DOTENV_DOUBLE"] == "a value # with a hash"
    assert environ["LUOTSI_DOTENV_SINGLE"] == "it''s"
    assert environ["LUOTSI_DOTENV_EQUALS"] == "postgres://u:p@db/luotsi?options=-c search_path=x"
    assert environ["LUOTSI_DOTENV_EMPTY"] == ""
    assert environ["LUOTSI_DOTENV_EXPORTED"] == "1"
    assert environ["LUOTSI_DOTENV_UNBALANCED"] == "\"abc'"
    assert environ["LUOTSI_DOTENV_UNICODE"] == "Hyvinvointialue Åland ÄÖ"


def test_the_environment_wins_over_the_file(tmp_path, environ, monkeypatch):
    monkeypatch.setenv("LUOTSI_DOTENV_SET", "from the environment")
    load_dotenv(_write(tmp_path, "LUOTSI_DOTENV_SET=from the file\n"))
    assert environ["LUOTSI_DOTENV_SET"] == "from the environment"


def test_no_file_is_no_error(tmp_path, environ):
    load_dotenv(tmp_path / "absent.env")


@pytest.mark.parametrize(("line", "number"), [
    ("LUOTSI_DOTENV_DEBUG 1", 2),
    ("=value", 2),
    ("LUOTSI DOTENV=1", 2),
    ("1LUOTSI=1", 2),
])
def test_a_line_that_is_no_setting_is_refused_with_its_number(tmp_path, environ, line, number):
    path = _write(tmp_path, f"LUOTSI_DOTENV_FIRST=1\n{line}\nLUOTSI_DOTENV_AFTER=1\n")
    with pytest.raises(ImproperlyConfigured, match=rf"\.env, line {number}: expected NAME=value"):
        load_dotenv(path)


def test_the_example_file_reads_as_written(tmp_path, environ):
    """.env.example, copied to .env as docs/operations.md says, is read without a refusal and
    every name it sets reaches the environment."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    prefixed = "\n".join(line.replace("LUOTSI_", "LUOTSI_DOTENV_", 1)
                         if line.startswith("LUOTSI_") else line for line in text.splitlines())
    load_dotenv(_write(tmp_path, prefixed))
    assert environ["LUOTSI_DOTENV_DEMO"] == "0"
    assert environ["LUOTSI_DOTENV_API_TOKEN_RATE"] == "600/min"

