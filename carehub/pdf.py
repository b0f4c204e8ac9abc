"""The project's one PDF renderer: a Django template, a print stylesheet, WeasyPrint."""

import functools
import re
import threading
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Documents are resolved against a fixed origin that never resolves on any network
# (RFC 2606 ".invalid"), so "/static/…" links work with or without a request and the
# Host header can never influence what gets fetched.
BASE_URL = "https://carehub.invalid/"
_ORIGIN = ("https", "carehub.invalid")

# Only what WeasyPrint can use: stylesheets, images, fonts. Explicit types, because
# the platform's mimetypes table varies (woff2, webp).
_ALLOWED_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}

# A UUID-style slug: never room for a person's name with spaces, quotes or accents.
_SAFE_FILENAME = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*\.pdf")


class RefusedURL(ValueError):
    """A resource URL the PDF renderer will not fetch."""


class StaticFilesURLFetcher(URLFetcher):
    """Serve our own static files to WeasyPrint and refuse every other URL."""

    def __init__(self):
        # An empty protocol list makes the inherited urllib fetcher refuse
        # everything, should any WeasyPrint code path ever bypass fetch().
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False)

    def fetch(self, url, headers=None):
        """Return the static file behind url, or raise RefusedURL."""
        path, content_type = self.resolve(url)
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def resolve(self, url):
        """Map an internal static URL to (file path, content type)."""
        # data:, file:, http(s) to anywhere else and unknown schemes all end here.
        # data: is refused too: charts are inline SVG and images are static files,
        # so nothing of ours needs it, and it would let pasted text embed content.
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise RefusedURL(f"Malformed URL: {url[:80]}") from error
        if (parts.scheme.lower(), parts.netloc.lower()) != _ORIGIN:
            raise RefusedURL(f"Only CareHub static files are fetched: {url[:80]}")
        static_prefix = _static_prefix()
        if not parts.path.startswith(static_prefix):
            raise RefusedURL(f"Not a static file: {url[:80]}")
        name = unquote(parts.path.removeprefix(static_prefix))
        segments = name.split("/")
        # Refuse traversal before any lookup rather than trust each finder to.
        if any(s in {"", ".", ".."} or "\\" in s or "\x00" in s for s in segments):
            raise RefusedURL(f"Unsafe static path: {url[:80]}")
        content_type = _ALLOWED_TYPES.get(Path(name).suffix.lower())
        if content_type is None:
            raise RefusedURL(f"Not a stylesheet, image or font: {url[:80]}")
        path = _find_static(name)
        if path is None:
            raise RefusedURL(f"No such static file: {url[:80]}")
        return path, content_type


def _static_prefix():
    """Return the path part of STATIC_URL, e.g. "/static/"."""
    return urlsplit(settings.STATIC_URL).path


def _find_static(name):
    """Return the file for a static name, collected (hashed) first, then sources."""
    # Production serves collected, hashed names from STATIC_ROOT; the finders only
    # know source names, which is all development and the tests use.
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    found = finders.find(name)
    return Path(found) if found else None


class _PrintAssets(NamedTuple):
    fetcher: StaticFilesURLFetcher
    stylesheet: CSS
    font_config: FontConfiguration
    ua_stylesheet: CSS
    ua_counter_style: CounterStyle


@functools.cache
def _print_assets():
    """Build the fetcher, font configuration and parsed print CSS once per process."""
    # Parsing CSS and loading fontconfig cost far more than a small document's
    # layout, and the fetcher's urllib base builds an SSL context (about 20 ms).
    fetcher = StaticFilesURLFetcher()
    font_config = FontConfiguration()
    stylesheet = CSS(
        url=urljoin(BASE_URL, f"{_static_prefix()}css/print.css"),
        url_fetcher=fetcher,
        font_config=font_config,
    )
    ua_counter_style = CounterStyle()
    ua_stylesheet = CSS(
        url=urljoin(BASE_URL, f"{_static_prefix()}css/print-ua.css"),
        url_fetcher=fetcher,
        counter_style=ua_counter_style,
    )
    return _PrintAssets(
        fetcher, stylesheet, font_config, ua_stylesheet, ua_counter_style
    )


class PrintHTML(HTML):
    """WeasyPrint's ``HTML`` with CareHub's smaller user-agent stylesheet
    (static/css/print-ua.css: WeasyPrint's own rules for the elements our PDFs use),
    which takes about a tenth off every print. WeasyPrint reads its UA stylesheet and
    counter styles through these two methods; tests/test_pdf_speed.py fails if a
    WeasyPrint upgrade stops calling them."""

    def _ua_stylesheets(self, forms=False):
        return [_print_assets().ua_stylesheet]

    def _ua_counter_style(self):
        return [_print_assets().ua_counter_style.copy()]


# Pango's font map inside the shared FontConfiguration is not documented as
# thread-safe. gunicorn's sync workers never contend for this lock; it only
# serialises renders under threaded servers such as runserver.
_render_lock = threading.Lock()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes with the print stylesheet."""
    context = {"printed_at": timezone.now(), **context}
    return html_to_pdf(render_to_string(template_name, context, request=request))


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint alone: HTML already rendered to PDF bytes, with the print stylesheet
    (benchmarks time this against the whole view)."""
    with _render_lock:
        assets = _print_assets()
        document = PrintHTML(string=html, base_url=BASE_URL, url_fetcher=assets.fetcher)
        return document.write_pdf(
            stylesheets=[assets.stylesheet], font_config=assets.font_config
        )


def pdf_response(pdf_bytes: bytes, filename: str) -> HttpResponse:
    """Wrap PDF bytes in an inline, never-cached response."""
    # Refuse rather than slugify: a name that needs cleaning is a caller bug, and
    # slugifying "Jane Doe.pdf" would quietly put a person's name in downloads.
    if not _SAFE_FILENAME.fullmatch(filename) or len(filename) > 120:
        raise ValueError(f"Unsafe PDF filename: {filename!r}")
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response
