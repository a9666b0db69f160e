"""The build compiles the translations: every bot/locale/*/LC_MESSAGES/gigbot.po to its .mo,
beside it (so `pip install .` ships them and `pip install -e .` runs from the tree)."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """build_py that compiles the gettext catalogs first (Babel's compiler)."""

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(__file__).parent.glob("bot/locale/*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as compiled:
                write_mo(compiled, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
