"""The period report as PDF: WeasyPrint renders the report's own template (its print CSS lays out the
cover, contents, running headers and page numbers) into a tagged PDF/UA-1 document.

The text is set in DejaVu Sans, which has every letter of Kazakh's alphabet (ә ғ қ ң ө ұ ү һ і); its
files are found on the machine at run time (fontconfig, else Debian's path) and embedded, subset. The
renderer may open those files and nothing else: no other file and no network address, whatever a
report's text might hold.
"""

import shutil
import subprocess
from functools import cache
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher

DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
FACES = {"normal": ("DejaVu Sans", "DejaVuSans.ttf"), "bold": ("DejaVu Sans:bold", "DejaVuSans-Bold.ttf")}


def _found(pattern: str, file: str) -> Path | None:
    if fc_match := shutil.which("fc-match"):
        # A fixed command of fontconfig's, with a fixed pattern: no input of a user's reaches it.
        out = subprocess.run(  # noqa: S603
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=5, check=False
        )
        path = Path(out.stdout.strip())
        if path.name == file and path.is_file():
            return path
    path = DEBIAN_FONTS / file
    return path if path.is_file() else None


@cache
def font_files() -> dict[str, Path]:
    """The report's font files by weight; empty when the machine has none (the PDF then takes
    Pango's default font)."""
    return {weight: path for weight, (pattern, file) in FACES.items() if (path := _found(pattern, file))}


class FontsOnly(URLFetcher):
    """Fetches the report's font files; refuses every other address."""

    def fetch(self, url, headers=None):
        allowed = {path.as_uri() for path in font_files().values()}
        if url not in allowed:
            raise ValueError(f"the period report fetches nothing but its fonts: {url}")
        return super().fetch(url, headers)


def pdf_of(html: str) -> bytes:
    return HTML(string=html, url_fetcher=FontsOnly(), base_url="/").write_pdf(pdf_variant="pdf/ua-1")
