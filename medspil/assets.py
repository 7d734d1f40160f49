"""Files shipped with the package: the fonts for PDFs."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def font_path(bold: bool = False) -> Path:
    """The bundled DejaVu Sans TTF file (regular or bold)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(str(resources.files("medspil").joinpath(f"fonts/{name}")))
