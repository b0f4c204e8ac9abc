"""Issue 12, items 8 and 9, in the browser: an officer attaches a quote to the Evans
plan from the plan's page and opens it; sends Walter Bryce's eligibility letter (in
large print, as he prefers) and a panel's decision letter, finds them on the person's
record and reads the PDFs."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from weasyprint import HTML

from .conftest import sign_in

pytestmark = pytest.mark.e2e

QUOTE = HTML(
    string="<html lang='en-GB'><head><title>Quote</title></head><body>"
    "<h1>Northbury Cooking Help: quotation</h1><p>Three hours a week of help with "
    "shopping and cooking: £63.00 a week. (A fictional quotation.)</p></body></html>"
).write_pdf()


def open_person(page, listed_as):
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name=listed_as).click()


def pdf_of(page, link):
    """The PDF a link on the page opens, fetched as the signed-in user."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    data = response.body()
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def text_of(reader):
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def body_sizes(reader):
    """The sizes (pt) the first page's text is set in."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            # The size on the page: the font size scaled by both matrices.
            sizes.append(round(abs(size * tm[3] * cm[3]), 1))

    reader.pages[0].extract_text(visitor_text=visit)
    return sizes


def test_an_officer_attaches_a_quote_to_the_evans_plan_and_opens_it(page, demo):
    sign_in(page, "olivia")
    open_person(page, "Evans, Gwen")
    page.get_by_role("link", name=re.compile(r"^Plan, version 1")).click()
    documents = page.locator("#documents")
    expect(documents).to_contain_text("Dial-a-Ride quotation")
    documents.get_by_role("link", name="Attach a document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Attach a document to the plan"
    )

    # A file CareHub does not keep: told plainly, what was typed is still there.
    page.get_by_label("The file").set_input_files(
        files=[
            {
                "name": "quote.exe",
                "mimeType": "application/octet-stream",
                "buffer": b"MZ\x90\x00",
            }
        ]
    )
    page.get_by_label("What kind of document").select_option(label="Quote")
    page.get_by_label("What it is").fill("Quote for help with shopping and cooking")
    page.get_by_role("button", name="Attach").click()
    refusal = "“.exe” files cannot be attached"
    expect(page.locator(".error-summary")).to_contain_text(refusal)
    expect(page.locator("#error_1_id_file")).to_contain_text(refusal)
    expect(page.get_by_text("Choose the file again")).to_be_visible()
    expect(page.get_by_label("What it is")).to_have_value(
        "Quote for help with shopping and cooking"
    )

    page.get_by_label("The file").set_input_files(
        files=[
            {
                "name": "Cooking help quote.pdf",
                "mimeType": "application/pdf",
                "buffer": QUOTE,
            }
        ]
    )
    page.get_by_role("button", name="Attach").click()
    # Back on the plan's page, where it is listed.
    expect(page).to_have_url(re.compile(r"/plans/[0-9a-f-]+/#documents$"))
    expect(page.get_by_text("The document is attached.")).to_be_visible()
    row = documents.locator(".list-group-item", has_text="help with shopping")
    expect(row).to_contain_text("Quote · Cooking help quote.pdf")
    expect(row).to_contain_text("by Olivia Hart")
    with page.expect_download() as download_info:
        row.get_by_role(
            "link", name="Quote for help with shopping and cooking", exact=True
        ).click()
    download = download_info.value
    assert download.suggested_filename == "Cooking help quote.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == QUOTE

    # The person's page lists it too, with what it is attached to.
    page.get_by_role("link", name="Gwen Evans").first.click()
    listed = page.locator("#documents .list-group-item", has_text="help with shopping")
    expect(listed).to_contain_text("with the care and support plan")


def test_an_officer_sends_letters_and_reads_them_on_the_record(page, demo):
    sign_in(page, "olivia")
    open_person(page, "Bryce, Walter")
    # The memory clinic's letter is with his assessment, where the work is.
    page.get_by_role("link", name=re.compile(r"^Needs assessment")).first.click()
    expect(page.locator("#documents")).to_contain_text("Memory clinic letter")
    page.get_by_role("button", name="Send the eligibility letter").click()
    expect(
        page.get_by_text("The letter is recorded on the person's record")
    ).to_be_visible()
    letters = page.locator("#letters")
    letter = letters.locator("li", has_text="Eligibility determination").first
    expect(letter).to_contain_text("large print")
    reader = pdf_of(page, letter.get_by_role("link"))
    text = text_of(reader)
    assert "Northshire County Council" in text
    assert "Dear Walter Bryce," in text
    assert "We have decided that you have eligible needs" in text
    for someone_else in ("Helen", "Evans", "Dorothy"):
        assert someone_else not in text
    # Large print: 16pt text at least (static/css/print.css), but for the subject
    # and page number in the page's margin (9pt).
    assert min(size for size in body_sizes(reader) if size != 9) >= 16

    # The panel deferred Dorothy's plan: Olivia, who wrote it, was told, and sends
    # the decision letter from the decision's page.
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    note = page.locator(".list-group-item", has_text="deferred").first
    note.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Panel decision: Deferred: more information needed"
    )
    expect(
        page.get_by_text("Not yet recorded: sending the decision letter")
    ).to_be_visible()
    page.get_by_role("button", name="Send the decision letter").click()
    expect(
        page.get_by_text(re.compile(r"is recorded as the day the person was told"))
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"the decision letter was sent on"))
    ).to_be_visible()
    decision_letter = page.locator("#letters li").first
    reader = pdf_of(page, decision_letter.get_by_role("link"))
    text = text_of(reader)
    assert "Northshire County Council" in text
    assert "The panel has not decided yet" in text
    assert "Walter" not in text
    assert "Evans" not in text
    name = page.get_by_role("navigation", name="breadcrumb").get_by_role("link").first
    person = name.inner_text()
    name.click()
    expect(page.locator("#letters")).to_contain_text("Panel decision")
    assert person in text  # the letter is to her, by name
