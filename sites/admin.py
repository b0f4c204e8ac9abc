"""The admin administers sites, accounts, memberships and reference data, never casework.

Casework (people, carer links, assessments and their parts, plans, responses, reviews,
panel meetings, items and decisions, notifications) and its change history are not
registered anywhere in the admin, so none of it is reachable there (404). The admin
runs with scopes disabled (``sites.middleware``), so that list is the whole guard:
see docs/architecture.md, "The admin and scoping".
"""

from collections import Counter

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router
from django.urls import path
from django.utils.text import capfirst
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .accounts import admin_actions
from .models import AuditEvent, Membership, Site, SiteScoped, User
from .portability import restore_views


class CareHubAdmin(SimpleHistoryAdmin):
    """Base of every CareHub model admin.

    Django's delete page lists every record that would be deleted with, or that
    protects, the one being deleted, by its name: for a site or an account that would
    print people's names. Here casework (a site-scoped record the admin does not
    manage) is counted, never named, and always blocks the deletion: sites and
    accounts that have casework are deactivated, not deleted.
    """

    def get_deleted_objects(self, objs, request):
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        casework = Counter()
        for model, rows in collector.model_objs.items():
            if self._is_casework(model):
                casework[model] += len(rows)
        for row in collector.protected:
            if self._is_casework(type(row)):
                casework[type(row)] += 1
        if not casework:
            return super().get_deleted_objects(objs, request)
        protected = [
            f"{capfirst(model._meta.verbose_name_plural)}: {count} "
            "(casework is not shown or changed here)"
            for model, count in sorted(
                casework.items(), key=lambda item: item[0]._meta.label
            )
        ]
        return [], {}, set(), protected

    def _is_casework(self, model):
        return issubclass(model, SiteScoped) and model not in self.admin_site._registry


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["site", "role", "is_active"]
    autocomplete_fields = ["site"]


@admin.register(User)
class UserAdmin(CareHubAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = [
        admin_actions.unlock_sign_in,
        admin_actions.reset_two_factor,
        admin_actions.email_reset_links,
        admin_actions.deactivate_accounts,
    ]

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST":
            admin_actions.after_admin_password_change(
                request, self.get_object(request, unquote(id)), response
            )
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        admin_actions.after_user_saved(request, obj, form, change)


@admin.register(Site)
class SiteAdmin(CareHubAdmin):
    list_display = ["name", "slug", "kind", "is_active", "require_two_factor"]
    list_filter = ["kind", "is_active", "require_two_factor"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_urls(self):
        """The site list's own pages: restoring a site from an archive (superusers;
        sites/portability/restore_views.py)."""

        def page(view):
            return restore_views.superusers_only(self.admin_site.admin_view(view))

        restore = [
            path(
                "restore/", page(restore_views.restore_start), name="sites_site_restore"
            ),
            path(
                "restore/confirm/",
                page(restore_views.restore_confirm),
                name="sites_site_restore_confirm",
            ),
            path(
                "restore/<uuid:code>/",
                page(restore_views.restore_job),
                name="sites_site_restore_job",
            ),
        ]
        return restore + super().get_urls()


@admin.register(Membership)
class MembershipAdmin(CareHubAdmin):
    list_display = ["user", "site", "role", "is_active"]
    list_filter = ["site", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "site"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited or deleted through the admin.

    Events name a record by its model and public id, never by a person's name.
    """

    list_display = ["created_at", "kind", "user", "site", "object_type", "action"]
    list_filter = ["kind", "site"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "site"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Two-factor secrets are not for reading or editing in the admin: an administrator
# resets a user's two-factor sign-in with the user action above instead (audited).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# Background jobs' task rows (django-tasks-db) carry their arguments and results: the
# admin administers sites, accounts and reference data, never casework or its traces.
# Operators watch jobs with `manage.py db_worker`'s log and the database (deployment.md).
for _model in apps.get_app_config("django_tasks_database").get_models():
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
