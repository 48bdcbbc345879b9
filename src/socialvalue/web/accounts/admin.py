"""Site administration of organisations, people, memberships, invitations and registrations.

Status changes and new organisations go through the same domain functions as the command line,
so approving in the admin sends the same emails as `socialvalue org approve`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import ngettext

from . import registration
from .models import Invitation, Membership, Organisation, Registration, Role, User
from .services import invite_member


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "champion", "created_at")
    readonly_fields = ("created_at",)


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = True
    fields = ("email", "role", "champion", "invited_by", "created_at", "accepted_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # an invitation needs its emailed link: invite from the organisation's page


class OrganisationForm(forms.ModelForm):
    first_admin_email = forms.EmailField(
        required=False,
        help_text="A new organisation's first admin: they are emailed an invitation to join.",
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "slug",
            "kind",
            "organisation_type",
            "areas_served",
            "status",
            "status_reason",
        )

    def clean_name(self):
        name = registration.clean_name(self.cleaned_data["name"])
        others = Organisation.objects.with_name(name).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"An organisation called “{name}” already exists.")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("first_admin_email"):
            self.add_error("first_admin_email", "Give the email address of the first admin.")
        status = cleaned.get("status")
        if (
            self.instance.pk
            and status == Organisation.Status.REFUSED
            and self.instance.status != status
            and not cleaned.get("status_reason", "").strip()
        ):
            self.add_error("status_reason", "Say why the registration is refused; it is emailed.")
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "kind", "organisation_type", "status", "members", "created_at")
    list_filter = ("status", "kind", "organisation_type")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "onboarding_dismissed_at")
    inlines = (MembershipInline, InvitationInline)
    actions = ("approve",)
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(ordering="member_count")
    def members(self, obj) -> int:
        return obj.member_count

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "first_admin_email"]
        return ["first_admin_email", *fields] if obj is None else fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            invitation, _ = invite_member(
                organisation=obj,
                invited_by=request.user,
                email=form.cleaned_data["first_admin_email"],
                role=Role.ADMIN,
            )
            messages.info(request, f"Invitation emailed to {invitation.email}.")
            return
        before = Organisation.objects.get(pk=obj.pk).status
        status = obj.status
        if status != before and status in (Organisation.Status.ACTIVE, Organisation.Status.REFUSED):
            # The decision goes through the domain function, which emails the person who registered.
            obj.status = before
            super().save_model(request, obj, form, change)
            if status == Organisation.Status.ACTIVE:
                registration.approve_organisation(organisation=obj)
            else:
                registration.refuse_organisation(organisation=obj, reason=obj.status_reason)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve the selected registrations")
    def approve(self, request, queryset):
        approved = 0
        for organisation in queryset.filter(status=Organisation.Status.AWAITING_APPROVAL):
            registration.approve_organisation(organisation=organisation)
            approved += 1
        self.message_user(
            request,
            f"{approved} {ngettext('organisation', 'organisations', approved)} approved and told by email.",
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "champion", "created_at")
    list_filter = ("role", "champion", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        (
            "Access",
            {
                "fields": ("is_active", "is_staff", "is_superuser"),
                "description": "Staff are site administrators: they manage organisations, people "
                "and site-wide value sets here. Organisation roles are memberships, below.",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "invited_by", "created_at", "accepted_at")
    list_filter = ("role", "accepted_at")
    search_fields = ("email", "organisation__name")
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "champion",
        "invited_by",
        "created_at",
        "accepted_at",
    )
    exclude = ("token_hash",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("organisation_name", "email", "kind", "status", "created_at", "verified_at")
    list_filter = ("status", "kind", "organisation_type")
    search_fields = ("organisation_name", "email", "full_name")
    exclude = ("password_hash", "token_hash")
    readonly_fields = (
        "email",
        "full_name",
        "organisation_name",
        "kind",
        "organisation_type",
        "areas_served",
        "status",
        "ip_address",
        "created_at",
        "verified_at",
        "decided_at",
        "organisation",
        "user",
    )
    actions = ("approve",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # decisions are made on the organisation, which emails the person

    @admin.action(description="Approve the organisations of the selected registrations")
    def approve(self, request, queryset):
        approved = 0
        for item in queryset.filter(status=Registration.Status.AWAITING_APPROVAL).select_related(
            "organisation"
        ):
            if item.organisation is not None:
                registration.approve_organisation(organisation=item.organisation)
                approved += 1
        self.message_user(
            request,
            f"{approved} {ngettext('organisation', 'organisations', approved)} approved and told by email.",
            messages.SUCCESS,
        )


# Permission groups are not how access works here (memberships and roles are), so they are not offered.
admin.site.unregister(Group)
