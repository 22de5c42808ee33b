"""Official documents as PDF (WeasyPrint), in the format of GB/T 9704-2012.

``render_pdf(template_name, context) -> bytes`` is the one entry point: the template
extends ``templates/base_pdf.html`` and links its styles relative to the static folder
(``css/pdf/official.css``, ``css/pdf/letter.css``). The acceptance report reuses it.

Fonts are named in the stylesheets, official faces first (仿宋_GB2312, 方正小标宋简体, 黑体,
楷体_GB2312), then the free fonts the set-up installs. A character no installed font
covers would print as an empty box without any error (DESIGN.md, pitfalls), so
``uncovered_characters`` checks a text against the fonts actually installed, and the
letter services refuse to issue a text that would print boxes.
"""
import functools
import subprocess
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# The free faces of the stylesheets' fallback chains (static/css/pdf/*.css).
FALLBACK_FAMILIES = ("AR PL SungtiL GB", "Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN")


def static_root_for_pdf():
    """The folder the PDF templates' relative links resolve against (static/)."""
    found = finders.find("css/pdf/official.css")
    if not found:
        raise RuntimeError("static/css/pdf/official.css is missing")
    return Path(found).parent.parent.parent


def render_pdf(template_name, context, *, request=None):
    """Render ``template_name`` (extending base_pdf.html) with ``context`` to PDF bytes."""
    from weasyprint import HTML  # imported late: it loads Pango, which a web request rarely needs

    html = render_to_string(template_name, context, request=request)
    base = static_root_for_pdf()
    return HTML(string=html, base_url=str(base) + "/").write_pdf()


# Text helpers shared by the document templates ----------------------------------------


def official_date(day):
    """成文日期 in Arabic numerals without leading zeros: 2026年4月3日 (GB/T 9704 §7.3.5)."""
    return f"{day.year}年{day.month}月{day.day}日"


def width_em(text):
    """Width of a line in characters of the grid: CJK and full-width count 1, ASCII ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def issuer_size_class(name):
    """The largest size at which the authority's name fits the 156 mm line (at most 26 pt)."""
    width = width_em(name)
    for points in (26, 22, 20, 18):
        if width * points <= 440:  # 156 mm = 442 pt, a little room to spare
            return f"s{points}"
    return "s16"


def signature_offsets(signature, date_text):
    """Right offsets (classes .mr-N, in half characters) for the signature and the date:
    the date right-indented four characters and the signature centred on it
    (§7.3.5.1); when the signature is wider, both move left so that the signature keeps
    two characters from the edge."""
    w_sig, w_date = width_em(signature), width_em(date_text)
    sig_right = 4 + (w_date - w_sig) / 2
    date_right = 4.0
    if sig_right < 2:
        sig_right = 2.0
        date_right = 2 + (w_sig - w_date) / 2
    to_class = lambda em: f"mr-{min(40, max(0, round(em * 2)))}"  # noqa: E731
    return to_class(sig_right), to_class(date_right)


# Glyph coverage ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _covered_codepoints():
    """Every code point one of the fallback faces maps, read once per process. Only the
    face fontconfig picks for each family is read (a .ttc holds ten), which keeps this
    well under a second."""
    from fontTools.ttLib import TTFont

    covered = set()
    for family in FALLBACK_FAMILIES:
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{family}|%{file}|%{index}", family],
                capture_output=True, text=True, timeout=20, check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        parts = out.rsplit("|", 2)
        if len(parts) != 3 or family not in parts[0]:
            continue  # fontconfig substituted another family: that face is not installed
        path, index = parts[1], int(parts[2] or 0)
        font = TTFont(path, fontNumber=index, lazy=True) if path.lower().endswith((".ttc", ".otc")) else TTFont(path, lazy=True)
        covered.update((font.getBestCmap() or {}).keys())
    return frozenset(covered)


def uncovered_characters(text):
    """The characters of ``text`` that no installed document font can draw (they would
    print as empty boxes). Whitespace is ignored. Empty when all is well."""
    covered = _covered_codepoints()
    if not covered:
        return set()  # no font information at all: nothing we can say
    return {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
