"""Forms for setting up and running a programme. They validate and normalise; the
services in ``programme_services`` act (and check again what the forms offer)."""

from django import forms
from django.utils import timezone

from .forms import LimitTextMixin
from .models import (
    CollaborativeMeeting,
    Involvement,
    LearningPoint,
    Milestone,
    PlanningRow,
    Programme,
    ProgrammeSite,
    Site,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _person(user):
    return user.display_name


class ProgrammeForm(LimitTextMixin, forms.ModelForm):
    """The programme's details, as the practitioner brief gives them."""

    class Meta:
        model = Programme
        fields = [
            "title",
            "improvement_focus",
            "aim",
            "focus_group",
            "focus_min_age",
            "focus_max_age",
            "focus_living_at_home",
            "diversity_to_reflect",
            "start_date",
            "data_collection_months",
        ]
        widgets = {"start_date": DATE}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("focus_min_age"), cleaned.get("focus_max_age")
        if low is not None and high is not None and high < low:
            self.add_error("focus_max_age", "The oldest age is below the youngest age.")
        return cleaned


class NewProgrammeForm(ProgrammeForm):
    """A new programme: its details, its short name, and the team taking part at the
    site it is started from."""

    team_name = forms.CharField(
        label="Your site's team taking part",
        max_length=200,
        help_text="E.g. the older people's team. Other sites join afterwards.",
    )

    class Meta(ProgrammeForm.Meta):
        fields = ["title", "slug", *ProgrammeForm.Meta.fields[1:]]
        labels = {"slug": "Short name"}

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Programme.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another programme already uses this name.")
        return slug


class StageForm(forms.Form):
    step = forms.CharField(max_length=40)
    # Closing cannot be undone: it needs a tick as well as the button.
    confirm_close = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("step") == "close" and not cleaned.get("confirm_close"):
            raise forms.ValidationError(
                "Tick the box to confirm: a closed programme cannot be changed or "
                "reopened."
            )
        return cleaned


class AddSiteForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        label="Site",
        empty_label="Choose a site",
    )
    team_name = forms.CharField(label="Team taking part", max_length=200)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            Site.objects.filter(is_active=True)
            .exclude(programme_places__programme=programme)
            .order_by("name")
        )


class ParticipantForm(forms.ModelForm):
    """A site's part: its team, its people (from that site's staff only) and the day
    the practitioner brief was issued."""

    class Meta:
        model = ProgrammeSite
        fields = [
            "team_name",
            "advisor",
            "project_coordinator",
            "team_manager",
            "sponsor",
            "brief_issued_on",
        ]
        widgets = {"brief_issued_on": DATE}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("advisor", "project_coordinator", "team_manager", "sponsor"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = _person
            self.fields[name].empty_label = "Not named yet"


class InvolvementForm(LimitTextMixin, forms.ModelForm):
    """One role's commitment at a site (one form per role on the page)."""

    class Meta:
        model = Involvement
        fields = [
            "cases_to_contribute",
            "meetings_to_attend",
            "hours_per_week",
            "notes",
        ]
        labels = {
            "cases_to_contribute": "Cases to contribute",
            "meetings_to_attend": "Meetings to attend",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MilestoneForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = [
            "phase",
            "title",
            "due_date",
            "owner_role",
            "agreed_by",
            "status",
            "done_on",
            "notes",
        ]
        labels = {"owner_role": "Who does it", "done_on": "Done on"}
        help_texts = {"done_on": "Left blank, a milestone marked done is done today."}
        widgets = {"due_date": DATE, "done_on": DATE}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("done_on") and cleaned.get("status") != Milestone.Status.DONE:
            self.add_error("done_on", "Only a milestone that is done has this date.")
        if cleaned.get("status") == Milestone.Status.DONE and not cleaned.get(
            "done_on"
        ):
            # As the service would: the model's constraint is checked on the form.
            cleaned["done_on"] = timezone.localdate()
        return cleaned


class MeetingForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = CollaborativeMeeting
        fields = [
            "title",
            "held_on",
            "starts_at",
            "place",
            "sites",
            "attendees",
            "agenda",
            "notes",
        ]
        labels = {
            "starts_at": "Starts at",
            "sites": "Sites taking part in it",
            "notes": "What was learnt (notes)",
        }
        help_texts = {
            "notes": "Learning and action points go in the guide's table below, "
            "with owners and dates.",
        }
        widgets = {
            "held_on": DATE,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "sites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites


class _ProgrammeSiteChoice:
    """A ``site`` field offering only the programme's sites (blank: the programme)."""

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = "The whole programme"


class PlanningRowForm(_ProgrammeSiteChoice, LimitTextMixin, forms.ModelForm):
    class Meta:
        model = PlanningRow
        fields = [
            "site",
            "where_now",
            "want_to_achieve",
            "how_get_there",
            "who_does_what",
            "timescales",
        ]
        labels = {"site": "For"}
        help_texts = {"site": ""}


class LearningPointForm(_ProgrammeSiteChoice, LimitTextMixin, forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = [
            "site",
            "meeting",
            "learning_point",
            "action_point",
            "responsible",
            "responsibility",
            "implement_by",
            "status",
        ]
        labels = {
            "site": "For",
            "meeting": "Learnt at",
            "responsible": "Responsibility: who owns the action",
            "responsibility": "… or a team or role",
        }
        help_texts = {"site": ""}
        widgets = {"implement_by": DATE}

    def __init__(self, *args, meetings, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = "Not at a meeting"
        self.fields["responsible"].queryset = people
        self.fields["responsible"].label_from_instance = _person
        self.fields["responsible"].empty_label = "Nobody named"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action_point") and not (
            cleaned.get("responsible") or cleaned.get("responsibility")
        ):
            self.add_error(
                "responsible", "Say who owns the action: a person, or a team or role."
            )
        if cleaned.get("action_point") and not cleaned.get("implement_by"):
            self.add_error("implement_by", "Say by when the action is to be done.")
        return cleaned
