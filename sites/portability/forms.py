"""The form an instance administrator fills in to restore a site from an archive."""

from django import forms

from ..models import Site


class RestoreArchiveForm(forms.Form):
    archive = forms.FileField(
        label="Site archive",
        help_text="The .zip file made by “Export the site” or manage.py export_site.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    slug = forms.SlugField(
        label="Restore under the short name",
        required=False,
        max_length=50,
        help_text=(
            "Used in the site's web addresses. Leave empty to keep the archive's; "
            "needed when a site with that short name is already here."
        ),
    )
    name = forms.CharField(
        label="Restore under the name",
        required=False,
        max_length=200,
        help_text="Leave empty to keep the archive's name.",
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # Refused before the archive is read: nothing else is worth doing first.
        if slug and Site.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                "A site called %(slug)s already exists here. Choose another short "
                "name.",
                code="slug_in_use",
                params={"slug": slug},
            )
        return slug
