"""The page where a senior manager words the blocks every letter from the site shares
(issue 12, item 9)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .decorators import require_rule
from .letter_templates import (
    BLOCK_PLACEHOLDERS,
    BLOCKS,
    LETTER_KINDS,
    LetterBlocks,
    blocks_of,
    save_letter_blocks,
    unknown_names,
)
from .preserve import preserves_input, restore_input
from .versioning import VersionedEdit

BLOCK_TEXT_LIMIT = 2000


class LetterBlocksForm(forms.ModelForm):
    class Meta:
        model = LetterBlocks
        fields = ["greeting", "review_and_complaints", "closing", "contact"]
        widgets = {
            "review_and_complaints": forms.Textarea(attrs={"rows": 6}),
            "contact": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "greeting": "For example “Dear {name},”.",
            "review_and_complaints": "Every letter says this: how to ask us to look "
            "again at a decision, and how to complain.",
            "contact": "Printed under the closing, one line each. Lines left empty "
            "(an address the site has not recorded) are dropped.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("review_and_complaints", "contact"):
            field = self.fields[name]
            field.max_length = BLOCK_TEXT_LIMIT
            field.validators.append(MaxLengthValidator(BLOCK_TEXT_LIMIT))
            field.widget.attrs["maxlength"] = BLOCK_TEXT_LIMIT

    def clean(self):
        cleaned = super().clean()
        for name in BLOCKS:
            unknown = unknown_names(cleaned.get(name) or "", BLOCK_PLACEHOLDERS)
            if unknown:
                self.add_error(
                    name,
                    "These names cannot be filled in: "
                    + ", ".join(f"{{{u}}}" for u in unknown)
                    + ". Use only the names listed.",
                )
        return cleaned


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("word_letters")
def letter_blocks_edit(request, site_slug):
    """The greeting, closing, contact details and review-and-complaints paragraph of
    every letter (the defaults until changed)."""
    own = LetterBlocks.objects.filter(site=request.site).first()
    data = request.POST if request.method == "POST" else restore_input(request)
    form = LetterBlocksForm(data, instance=own, initial=blocks_of(request.site))
    edit = VersionedEdit.start(own.version if own else 0, data)
    if request.method == "POST" and form.is_valid():
        try:
            save_letter_blocks(
                site=request.site,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error,
                form=form,
                latest=lambda: (
                    LetterBlocks.objects.filter(site=request.site).first()
                    or LetterBlocks(version=0)
                ),
            )
        else:
            messages.success(request, "The wording every letter shares has been saved.")
            return redirect("letter_blocks_edit", site_slug=site_slug)
    return render(
        request,
        "letters/blocks_form.html",
        {
            "form": form,
            "edit": edit,
            "customised": own is not None,
            "placeholders": BLOCK_PLACEHOLDERS,
            "kinds": LETTER_KINDS.items(),
        },
    )
