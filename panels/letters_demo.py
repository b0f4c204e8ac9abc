"""The Evans case's letters and a document, for the demo (issue 12, items 8 and 9):
the panel's decision letter sent the day they were told, the first review's outcome
letter, and the dial-a-ride quote attached to the plan."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML

from assessments.documents import Document, attach_document
from assessments.letters import Letter
from careplans.review_letters import send_review_letter

from .letters import send_decision_letter

QUOTE_HTML = """<html lang="en-GB"><head><title>Quotation</title></head>
<body style="font-family: sans-serif">
<h1>Northshire Dial-a-Ride: quotation</h1>
<p>Door-to-door accessible transport for two passengers, twice a week, to a café,
pub or restaurant of their choice within eight miles, and home again.</p>
<p><strong>£18.00 a week</strong> (two return journeys at £9.00).</p>
<p>Wheelchair-accessible vehicle; the driver helps with coats and bags.</p>
</body></html>"""


def _quote_pdf():
    return HTML(string=QUOTE_HTML).write_pdf()


def seed_evans_letters(decision, review, *, by):
    """The letters and the quote, dated when they would have been sent."""
    decision.refresh_from_db()  # the demo moves the dates after recording them
    plan = decision.item.plan
    told = decision.person_told_on or timezone.localdate()
    letter = send_decision_letter(decision, by=by)
    Letter.objects.filter(pk=letter.pk).update(
        created_at=timezone.now().replace(
            year=told.year, month=told.month, day=told.day
        )
    )
    send_review_letter(review, by=by)
    upload = ContentFile(_quote_pdf(), name="Dial-a-Ride quotation.pdf")
    document = attach_document(
        person=plan.person,
        upload=upload,
        kind=Document.Kind.QUOTE,
        description="Dial-a-Ride quotation: lunch out twice a week",
        plan_code=plan.code,
        by=by,
    )
    Document.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - timedelta(days=85)
    )
