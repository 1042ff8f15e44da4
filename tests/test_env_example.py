import re
from pathlib import Path

from django.conf import settings

from config.env import NAMES_READ

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"


def documented_names() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def test_every_setting_read_from_the_environment_is_documented():
    assert NAMES_READ - documented_names() == set()


def test_the_example_documents_nothing_the_settings_ignore():
    assert documented_names() - NAMES_READ == set()
