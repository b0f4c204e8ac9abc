"""The PDFs' own user-agent stylesheet (static/css/print-ua.css, issue 11 item 18):
WeasyPrint reads it instead of its own, and what is printed does not change."""

import io

import pypdf
from weasyprint import HTML

from carehub import pdf

# Every element our PDF templates use, in the ways they use them.
DOCUMENT = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Sample</title></head><body>
<header class="document-header"><p class="organisation">Site</p></header>
<main><h1>Your care and support plan</h1>
<p class="lead">For <strong>Mrs Q</strong>.<br><span class="muted">Known as Q.</span></p>
<h2>What will happen</h2><h3>Dial-a-ride</h3>
<dl><dt>Who</dt><dd>Northshire Dial-a-Ride</dd><dt>Cost</dt><dd>£18.00 a week</dd></dl>
<ul><li>Help with the weekly shop</li><li>Lunch <em>on Thursdays</em></li></ul>
<ol><li>First</li><li>Second<ul><li>Inside</li></ul></li></ol>
<section><h2>Figures</h2><figure class="figure"><table><thead><tr><th>Site</th>
<th>Cases</th></tr></thead><tbody><tr><td>Alpha</td><td><abbr title="fewer than 8">*
</abbr></td></tr></tbody><tfoot><tr><th>All</th><td>15</td></tr></tfoot></table>
<figcaption>Cases by site</figcaption></figure></section>
<div class="page-break"></div><h2>Checking how it is going</h2><p>By 1 May.</p>
</main><footer class="document-footer">Printed today</footer></body></html>"""


def _print(html_class, html=DOCUMENT):
    assets = pdf._print_assets()
    return html_class(
        string=html, base_url=pdf.BASE_URL, url_fetcher=assets.fetcher
    ).write_pdf(stylesheets=[assets.stylesheet], font_config=assets.font_config)


def _read(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    return pages, outline


def test_weasyprint_reads_our_ua_stylesheet_through_the_overridden_hooks(
    monkeypatch,
):
    calls = []
    for name in ("_ua_stylesheets", "_ua_counter_style"):
        original = getattr(pdf.PrintHTML, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(pdf.PrintHTML, name, spy)
    pdf.html_to_pdf(DOCUMENT)
    # A WeasyPrint upgrade that stops calling either hook fails here, not silently.
    assert set(calls) == {"_ua_stylesheets", "_ua_counter_style"}


def test_our_ua_stylesheet_prints_what_weasyprints_own_prints():
    ours_pages, ours_outline = _read(_print(pdf.PrintHTML))
    theirs_pages, theirs_outline = _read(_print(HTML))
    assert ours_pages == theirs_pages
    assert len(ours_pages) == 2  # the page break holds
    # List markers (extracted apart from the items' text): bullets, numbers, and
    # the nested list's circle.
    assert ours_pages[0].count("• ") == 2
    assert "1. " in ours_pages[0]
    assert "2. " in ours_pages[0]
    assert "◦ " in ours_pages[0]
    assert "Page 1 of 2" in ours_pages[0]  # the page-margin boxes
    # The PDF's outline (bookmarks) still comes from the headings.
    assert ours_outline == theirs_outline
    assert ours_outline[0] == "Your care and support plan"
