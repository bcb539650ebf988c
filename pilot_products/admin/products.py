"""Admin for pilot products: the review workflow, eligibility panel and history."""

import dataclasses
import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from pilot_products.admin.product_photos import ReferencePhotoAdminMixin
from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.eligibility import failed_checks, pilot_product_eligibility
from pilot_products.models import (
    PilotProduct,
)
from pilot_products.resources import (
    PilotProductResource,
)
from pilot_products.services import review

from .review_forms import (
    PilotProductForm,
    ReasonForm,
)

MSG_RESTORED_VERSION = _("The earlier version was restored as a new version.")
MSG_SKIPPED = _("%(product)s skipped: %(reason)s")
MSG_BULK_SUMMARY = _("%(done)s of %(total)s product(s) done, %(skipped)s skipped.")


def bulk_summary_level(*, done: int, total: int) -> int:
    """Green only when everything was done; a bulk action that skipped all is red."""
    if done == total:
        return messages.SUCCESS
    return messages.WARNING if done else messages.ERROR


TRANSITION_LABELS = {
    review.SUBMIT: _("Submit for review"),
    review.APPROVE: _("Approve"),
    review.REJECT: _("Reject…"),
    review.RETIRE: _("Retire…"),
    review.REOPEN: _("Reopen as draft"),
    review.WITHDRAW: _("Withdraw from review"),
    review.CLEAR_FLAG: _("Keep approved…"),
}
TRANSITION_TITLES = {
    review.REJECT: _("Reject pilot products"),
    review.RETIRE: _("Retire pilot products"),
    review.CLEAR_FLAG: _("Keep flagged pilot products approved"),
}


class WaitingForMyReviewFilter(admin.SimpleListFilter):
    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        if request.user.has_perm(review.PERM_REVIEW):
            return [("mine", _("Waiting for my review"))]
        return []

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.waiting_for_reviewer(request.user)
        return queryset


def status_badge(status: str, label) -> str:
    # Choice labels are lowercase for use inside sentences; a badge starts one.
    return format_html(
        '<span class="review-badge review-badge--{}">{}</span>',
        status,
        capfirst(str(label)),
    )


#: Bookkeeping fields left out of the history's field-by-field diff.
HIDDEN_IN_HISTORY = frozenset({"revision", "updated_at"})


class ReadableHistory(HistoricalRecordContextHelper):
    """Show diffs as people read them: labels, local times, codes, "-" for empty."""

    def context_for_delta_changes(self, delta):
        changes = [c for c in delta.changes if c.field not in HIDDEN_IN_HISTORY]
        return super().context_for_delta_changes(
            dataclasses.replace(delta, changes=changes)
        )

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(value, list):
            return [getattr(item, "code", item) for item in value]
        if value is None or (isinstance(value, DeletedObject) and value.pk is None):
            return "-"
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value


@admin.register(PilotProduct)
class PilotProductAdmin(
    ReferencePhotoAdminMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin
):
    resource_classes = [PilotProductResource]
    form = PilotProductForm
    change_form_template = "admin/pilot_products/pilotproduct/change_form.html"
    object_history_template = "admin/pilot_products/pilotproduct/object_history.html"
    object_history_list_template = (
        "admin/pilot_products/pilotproduct/object_history_list.html"
    )
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "pilot_category",
        "status_badge",
        "tariff_line_codes",
        "submitted_by",
        "decided_by",
        "decided_at",
        "needs_review",
    ]
    list_filter = [
        WaitingForMyReviewFilter,
        "status",
        "pilot_lists",
        "pilot_category",
        ("submitted_by", admin.RelatedOnlyFieldListFilter),
        "needs_review",
        "is_illustrative",
    ]
    search_fields = ["code", "name_zh", "name_en", "tariff_lines__code"]
    list_select_related = ["submitted_by", "decided_by"]
    autocomplete_fields = ["tariff_lines"]
    actions = [
        "submit_selected",
        "approve_selected",
        "reject_selected",
        "retire_selected",
        "reopen_selected",
        "withdraw_selected",
    ]
    readonly_fields = [
        "status_badge",
        "status_reason",
        "needs_review",
        "needs_review_note",
        "eligibility_panel",
        "created_by",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "updated_at",
        "reference_photo",
    ]
    #: What editors write: the edit form's fields, shown first on every page.
    content_fields = PilotProductForm.Meta.fields

    class Media:
        css = {"all": ["pilot_products/admin/review.css"]}

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.content_fields})]
        content_fields = self.content_fields
        if not self.has_change_permission(request, obj):
            # The revision only matters to an edit form.
            content_fields = [name for name in content_fields if name != "revision"]
        return [
            (None, {"fields": content_fields}),
            (
                _("Review"),
                {
                    "fields": [
                        "status_badge",
                        "status_reason",
                        "needs_review",
                        "needs_review_note",
                    ]
                },
            ),
            (_("Eligibility"), {"fields": ["eligibility_panel"]}),
            (_("Reference photo"), {"fields": ["reference_photo"]}),
            (
                _("Audit trail"),
                {
                    "fields": [
                        "created_by",
                        "submitted_by",
                        "submitted_at",
                        "decided_by",
                        "decided_at",
                        "updated_at",
                    ]
                },
            ),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tariff_lines")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in review.EDITABLE_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Nothing in the pilot is deleted: products are retired, with a reason.
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm(review.PERM_SUBMIT)

    def has_review_permission(self, request):
        return request.user.has_perm(review.PERM_REVIEW)

    def revert_disabled(self, request, obj=None):
        # Earlier versions are restored through restore_view, which keeps the workflow
        # fields; simple_history's own revert form would overwrite them.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("review status"), ordering="status")
    def status_badge(self, product):
        return status_badge(product.status, product.get_status_display())

    @admin.display(description=_("tariff lines"))
    def tariff_line_codes(self, product):
        return " ".join(line.code for line in product.tariff_lines.all())

    @admin.display(description=_("eligibility checks"))
    def eligibility_panel(self, product):
        rows = format_html_join(
            "",
            '<tr class="eligibility--{}"><th>{}</th><td>{}</td><td>{}{}</td></tr>',
            (
                (
                    "pass" if check.passed else "fail",
                    check.label,
                    _("passed") if check.passed else _("failed"),
                    check.reason,
                    format_html_join(
                        "", "<br><small>{}</small>", ((d,) for d in check.details)
                    ),
                )
                for check in pilot_product_eligibility(product)
            ),
        )
        return format_html('<table class="eligibility-panel">{}</table>', rows)

    def save_model(self, request, obj, form, change):
        review.pilot_product_save(
            product=obj,
            user=request.user,
            expected_revision=form.cleaned_data.get("revision") if change else None,
            tariff_lines=form.cleaned_data.get("tariff_lines"),
        )

    def save_related(self, request, form, formsets, change):
        # pilot_product_save has set the tariff lines already.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        product = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if product is not None:
            extra_context["transitions"] = self._buttons(request, product)
            extra_context["photo_link"] = self.photo_link(request, product)
        return super().change_view(request, object_id, form_url, extra_context)

    def _buttons(self, request, product):
        allowed = review.allowed_transitions(product, request.user)
        if {review.SUBMIT, review.APPROVE} & set(allowed) and failed_checks(
            pilot_product_eligibility(product)
        ):
            allowed = [a for a in allowed if a not in (review.SUBMIT, review.APPROVE)]
        return [
            {
                "action": action,
                "label": TRANSITION_LABELS[action],
                "needs_reason": action in review.REASON_REQUIRED,
                "url": reverse(
                    "admin:pilot_products_pilotproduct_transition",
                    args=[product.pk, action],
                ),
            }
            for action in allowed
        ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transition/<str:action>/",
                wrap(self.transition_view),
                name="pilot_products_pilotproduct_transition",
            ),
            path(
                "<path:object_id>/restore/<int:history_id>/",
                wrap(self.restore_view),
                name="pilot_products_pilotproduct_restore",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, product):
        return reverse("admin:pilot_products_pilotproduct_change", args=[product.pk])

    def transition_view(self, request, object_id, action):
        if action not in review.TRANSITIONS:
            raise Http404
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        if not self.has_view_permission(request, product):
            raise PermissionDenied
        needs_reason = action in review.REASON_REQUIRED
        if request.method == "GET" and needs_reason:
            return self._reason_page(request, action, [product], ReasonForm())
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        reason = ""
        if needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return self._reason_page(request, action, [product], form)
            reason = form.cleaned_data["reason"]
        try:
            result = review.pilot_product_transition(
                action=action, product=product, user=request.user, reason=reason
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, result.message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(product))

    def restore_view(self, request, object_id, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        try:
            review.pilot_product_restore(
                product=product, user=request.user, history_id=history_id
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, MSG_RESTORED_VERSION, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(product))

    def _reason_page(self, request, action, products, form, *, bulk=False):
        context = {
            **self.admin_site.each_context(request),
            "title": TRANSITION_TITLES[action],
            "opts": self.model._meta,
            "products": products,
            "form": form,
            "action": action,
            "bulk_action": f"{action}_selected" if bulk else "",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": (
                reverse("admin:pilot_products_pilotproduct_changelist")
                if bulk
                else self._change_url(products[0])
            ),
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/pilot_products/pilotproduct/reason_form.html", context
        )

    def _run_bulk(self, request, queryset, action):
        reason = ""
        products = list(queryset.order_by("code"))
        if action in review.REASON_REQUIRED:
            if "apply" not in request.POST:
                return self._reason_page(
                    request, action, products, ReasonForm(), bulk=True
                )
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return self._reason_page(request, action, products, form, bulk=True)
            reason = form.cleaned_data["reason"]
        done = 0
        for product in products:
            try:
                result = review.pilot_product_transition(
                    action=action, product=product, user=request.user, reason=reason
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    MSG_SKIPPED
                    % {"product": product.code, "reason": " ".join(error.messages)},
                    messages.WARNING,
                )
            else:
                done += 1
                self.message_user(request, result.message, messages.SUCCESS)
        self.message_user(
            request,
            MSG_BULK_SUMMARY
            % {"done": done, "total": len(products), "skipped": len(products) - done},
            bulk_summary_level(done=done, total=len(products)),
        )
        return None

    @admin.action(description=_("Submit selected products for review"))
    def submit_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.SUBMIT)

    @admin.action(description=_("Approve selected products"))
    def approve_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.APPROVE)

    @admin.action(description=_("Reject selected products…"))
    def reject_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.REJECT)

    @admin.action(description=_("Retire selected products…"))
    def retire_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.RETIRE)

    @admin.action(description=_("Reopen selected rejected products as drafts"))
    def reopen_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.REOPEN)

    @admin.action(description=_("Withdraw selected products from review"))
    def withdraw_selected(self, request, queryset):
        return self._run_bulk(request, queryset, review.WITHDRAW)

    def get_actions(self, request):
        actions = super().get_actions(request)
        review_actions = ("approve_selected", "reject_selected", "retire_selected")
        editor_actions = ("submit_selected", "reopen_selected", "withdraw_selected")
        if not self.has_review_permission(request):
            for name in review_actions:
                actions.pop(name, None)
        if not self.has_submit_permission(request):
            for name in editor_actions:
                actions.pop(name, None)
        return actions

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        product = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        extra_context["can_restore"] = (
            product is not None
            and product.status in review.EDITABLE_STATUSES
            and request.user.has_perm(review.PERM_CHANGE)
        )
        return super().history_view(request, object_id, extra_context)
