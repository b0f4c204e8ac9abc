"""Reads about programmes that pages outside the programme need (the home pages)."""

from django.db.models import Q

from .models import LearningPoint, Programme

HOME_ACTIONS = 10


def home_block(user, site=None):
    """The programmes to show on a home page (those ``site`` takes part in, or the
    user's own when there is no site, and those the user coordinates) and the
    user's open actions on programmes they still take part in: two queries."""
    if site is None:
        programmes = Programme.objects.for_user(user)
    else:
        programmes = Programme.objects.filter(
            Q(participants__site=site)
            | Q(memberships__user=user, memberships__is_active=True)
        ).distinct()
    actions = (
        LearningPoint.objects.open()
        .owned_by(user)
        .exclude(action_point="")
        .filter(programme__in=Programme.objects.for_user(user).values("pk"))
        .select_related("programme")
        .order_by("implement_by", "id")[:HOME_ACTIONS]
    )
    return {
        "programmes": list(programmes.order_by("title")),
        "my_actions": list(actions),
    }
