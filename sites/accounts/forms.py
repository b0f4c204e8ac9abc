from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, recovery=True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = (
                "The six-digit code your authenticator app shows now. Lost your "
                "phone? Enter one of your recovery codes instead."
            )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code:
            raise forms.ValidationError("Enter the code.")
        return code
