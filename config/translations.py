"""Compile every ``.po`` catalogue of the project into ``.mo``.

Django's ``compilemessages`` needs GNU gettext; this uses polib so ``make run``
works on a machine without it. Run as ``python -m config.translations``.
"""

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
_SKIP = {".venv", "var", "node_modules", ".git"}


def catalogues(base: Path = BASE_DIR) -> list[Path]:
    return sorted(
        path
        for path in base.rglob("locale/*/LC_MESSAGES/*.po")
        if not _SKIP.intersection(path.relative_to(base).parts)
    )


def compile_all(base: Path = BASE_DIR) -> int:
    compiled = 0
    for po_path in catalogues(base):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    return compiled


if __name__ == "__main__":
    count = compile_all()
    sys.stdout.write(f"Compiled {count} translation catalogue(s).\n")
