"""Hatchling build hook: compile the translation catalogues into the wheel and the sdist.

The ``.mo`` files are build products (git-ignored), so a package built from a clean checkout
would otherwise ship none, and an installed LMS would show English text under ``lang="it"``.
They are compiled into a temporary folder and force-included, so building never writes into
the source tree.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TranslationsBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return  # `make install` compiles the catalogues in place for the checkout
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._compiled = Path(tempfile.mkdtemp(prefix="lms-mo-"))
        root = Path(self.root)
        catalogues = sorted((root / "lms" / "translations").glob("*/LC_MESSAGES/*.po"))
        for po_path in catalogues:
            relative = po_path.relative_to(root).with_suffix(".mo")
            mo_path = self._compiled / relative
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po:
                catalog = read_po(po, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as mo:
                write_mo(mo, catalog)
            build_data["force_include"][str(mo_path)] = relative.as_posix()
        self.app.display_info(f"compiled {len(catalogues)} translation catalogue(s)")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            shutil.rmtree(self._compiled, ignore_errors=True)
