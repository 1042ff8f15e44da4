import re
from pathlib import Path

from django.conf import settings

from config.env import NAMES_READ

BASE_DIR = Path(settings.BASE_DIR)
# What the settings read, taken when this module is imported (the settings are loaded by
# then): tests of config.env itself read made-up names later, whichever order they run in.
SETTINGS_NAMES = frozenset(NAMES_READ)
COMPOSE_ONLY_MARKER = "# --- docker compose only"


def documented_names() -> tuple[set[str], set[str]]:
    """(names for Sinergi, names for docker compose) listed in .env.example."""
    text = (BASE_DIR / ".env.example").read_text()
    app_part, _marker, compose_part = text.partition(COMPOSE_ONLY_MARKER)
    names = re.compile(r"^([A-Z][A-Z0-9_]+)=", flags=re.MULTILINE)
    return set(names.findall(app_part)), set(names.findall(compose_part))


def test_every_setting_read_from_the_environment_is_documented():
    app_names, _compose = documented_names()
    assert SETTINGS_NAMES - app_names == set()


def test_the_example_documents_nothing_the_settings_ignore():
    app_names, _compose = documented_names()
    assert app_names - SETTINGS_NAMES == set()


def test_compose_only_names_are_used_by_docker_compose():
    _app, compose_names = documented_names()
    compose_file = (BASE_DIR / "docker-compose.yml").read_text()
    assert compose_names
    assert {name for name in compose_names if f"${{{name}" not in compose_file} == set()
