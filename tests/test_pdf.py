"""The PDF renderer: output, the restricted URL fetcher, caching, the response."""

import io
import socket
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone
from weasyprint import HTML

from carehub import pdf
from carehub.pdf import (
    BASE_URL,
    RefusedURL,
    StaticFilesURLFetcher,
    pdf_response,
    render_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "pdf/sample.html"


def sample_context(**overrides):
    return {"reference": "REF-4821", "body": "Visits on Tuesdays.", **overrides}


def read_pdf(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, text


@pytest.fixture
def fetch_log(monkeypatch):
    """Record every URL WeasyPrint asks for and whether it was served or refused."""
    log = []
    original = StaticFilesURLFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except RefusedURL:
            log.append((url, "refused"))
            raise
        log.append((url, "served"))
        return response

    monkeypatch.setattr(StaticFilesURLFetcher, "fetch", spy)
    return log


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly, and record, if anything tries DNS or a socket connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.fixture
def html_template(monkeypatch):
    """Render given HTML in place of a template, to test hostile markup."""

    def use(html):
        monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: html)

    return use


@pytest.fixture
def fetcher():
    return pdf._print_assets().fetcher


# Output


def test_render_pdf_returns_a_pdf_with_the_heading_and_context_values():
    data = render_pdf(SAMPLE, sample_context())

    assert data.startswith(b"%PDF")
    _, text = read_pdf(data)
    assert "Sample care plan" in text
    assert "REF-4821" in text
    assert "Visits on Tuesdays." in text


def test_pdf_title_metadata_comes_from_the_html_title():
    reader, _ = read_pdf(render_pdf(SAMPLE, sample_context()))

    assert reader.metadata.title == "CareHub test document"


def test_footer_shows_page_x_of_y_and_when_it_was_printed():
    printed_at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

    _, text = read_pdf(render_pdf(SAMPLE, sample_context(printed_at=printed_at)))

    assert "Page 1 of 1" in text
    assert "Printed 1 March 2025, 09:30" in text


def test_printed_at_defaults_to_today_in_local_time():
    today = timezone.localdate()

    _, text = read_pdf(render_pdf(SAMPLE, sample_context()))

    assert f"Printed {today.day} {today:%B %Y}, " in text


def test_html_in_context_values_is_printed_as_text_not_markup():
    _, text = read_pdf(render_pdf(SAMPLE, sample_context(body="<b>x</b> & more")))

    assert "<b>x</b> & more" in text


def test_render_pdf_accepts_a_request_for_context_processors():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    data = render_pdf(SAMPLE, sample_context(), request=request)

    assert data.startswith(b"%PDF")


def test_render_pdf_does_not_change_the_callers_context():
    context = sample_context()

    render_pdf(SAMPLE, context)

    assert "printed_at" not in context


# The restricted URL fetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/static/css/print.css",
        "ftp://example.org/x.png",
        "gopher://example.org/x",
        "carehub:///static/css/print.css",
        "data:image/png;base64,iVBORw0KGgo=",
        "http://carehub.invalid/static/css/print.css",
        "https://carehub.invalid@example.org/static/css/print.css",
        "https://carehub.invalid:8443/static/css/print.css",
        "https://carehub.invalid/etc/passwd",
        "https://carehub.invalid/static/../../etc/passwd",
        "https://carehub.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://carehub.invalid/static//etc/passwd",
        "https://carehub.invalid/static/vendor/htmx/htmx.min.js",
        "https://carehub.invalid/static/css/no-such-file.css",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_fetcher_serves_our_print_stylesheet_as_css(fetcher):
    response = fetcher.fetch(f"{BASE_URL}static/css/print.css")

    assert response.content_type == "text/css"
    assert response.read() == (ROOT / "static/css/print.css").read_bytes()
    response.close()


def test_hostile_resource_urls_are_refused_and_the_pdf_still_renders(
    html_template, fetch_log, no_network
):
    html_template(
        '<!doctype html><html lang="en-GB"><head><title>Hostile</title></head>'
        "<body><h1>Still here</h1>"
        '<img src="file:///etc/passwd" alt="">'
        '<img src="http://example.org/a.png" alt="">'
        '<img src="https://example.org/b.png" alt="">'
        "</body></html>"
    )

    data = render_pdf("ignored.html", {})

    assert data.startswith(b"%PDF")
    assert "Still here" in read_pdf(data)[1]
    assert fetch_log == [
        ("file:///etc/passwd", "refused"),
        ("http://example.org/a.png", "refused"),
        ("https://example.org/b.png", "refused"),
    ]
    assert no_network == []


def test_a_linked_static_stylesheet_and_image_are_served_through_the_fetcher(
    html_template, fetch_log, no_network
):
    html_template(
        '<!doctype html><html lang="en-GB"><head><title>Linked</title>'
        '<link rel="stylesheet" href="/static/css/print.css"></head>'
        '<body><h1>Linked</h1><img src="/static/favicon.svg" alt=""></body></html>'
    )

    data = render_pdf("ignored.html", {})

    assert data.startswith(b"%PDF")
    assert fetch_log == [
        (f"{BASE_URL}static/css/print.css", "served"),
        (f"{BASE_URL}static/favicon.svg", "served"),
    ]
    assert no_network == []


# Caching


def test_stylesheet_and_font_config_are_parsed_once_and_reused(monkeypatch):
    seen = []
    original = HTML.write_pdf

    def spy(self, *args, **kwargs):
        seen.append((kwargs["stylesheets"][0], kwargs["font_config"]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", spy)
    cached = pdf._print_assets()

    render_pdf(SAMPLE, sample_context())
    render_pdf(SAMPLE, sample_context())

    assert len(seen) == 2
    for stylesheet, font_config in seen:
        assert stylesheet is cached.stylesheet
        assert font_config is cached.font_config
    assert pdf._print_assets() is cached


# The HTTP response


def test_pdf_response_is_an_inline_uncached_pdf_with_a_safe_filename():
    response = pdf_response(
        b"%PDF-1.7 test", "care-plan-3f2b8c1e-0d4a-4e5b-9c1f-2a7d6e8b9c0d.pdf"
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="care-plan-3f2b8c1e-0d4a-4e5b-9c1f-2a7d6e8b9c0d.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7 test"


@pytest.mark.parametrize(
    "filename",
    [
        "Jane Doe.pdf",
        "Zoë-plan.pdf",
        'plan".pdf',
        "../plan.pdf",
        "plan.pdf\r\nSet-Cookie: x=1",
        "plan.exe",
        "Care-Plan.pdf",
        ".pdf",
        "",
        "a" * 200 + ".pdf",
    ],
)
def test_pdf_response_refuses_an_unsafe_filename(filename):
    with pytest.raises(ValueError, match="Unsafe PDF filename"):
        pdf_response(b"%PDF", filename)
