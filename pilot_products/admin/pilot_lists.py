"""Admin for pilot list versions: draft by copying, publish, compare."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pilot_products.models import (
    PilotList,
    PilotListStatus,
    PilotProduct,
    ReviewStatus,
)
from pilot_products.services import pilot_lists

from .products import status_badge
from .review_forms import (
    PilotListCompareForm,
    PilotListCopyForm,
    PilotListForm,
    PilotListPublishForm,
)

MSG_COPIED = _("Version %(version)s was drafted; add and remove products below.")
MSG_PUBLISHED = _("Version %(version)s was published.")


@admin.register(PilotList)
class PilotListAdmin(SimpleHistoryAdmin):
    form = PilotListForm
    change_form_template = "admin/pilot_products/pilotlist/change_form.html"
    list_display = [
        "version",
        "name_zh",
        "status_badge",
        "effective_on",
        "product_count",
        "published_by",
        "is_illustrative",
    ]
    list_filter = ["status", "is_illustrative"]
    search_fields = ["version", "name_zh", "name_en"]
    list_select_related = ["published_by"]
    filter_horizontal = ["products"]
    readonly_fields = [
        "status_badge",
        "effective_on",
        "published_by",
        "published_at",
    ]

    class Media:
        css = {"all": ["pilot_products/admin/review.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "products":
            kwargs["queryset"] = PilotProduct.objects.exclude(
                status__in=[ReviewStatus.RETIRED, ReviewStatus.REJECTED]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != PilotListStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, pilot_list):
        return status_badge(pilot_list.status, pilot_list.get_status_display())

    @admin.display(description=_("product types"), ordering="_product_count")
    def product_count(self, pilot_list):
        return pilot_list._product_count

    def save_model(self, request, obj, form, change):
        pilot_lists.pilot_list_save(pilot_list=obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        pilot_lists.pilot_list_set_products(
            pilot_list=form.instance,
            user=request.user,
            products=form.cleaned_data["products"],
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pilot_list = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if pilot_list is not None:
            extra_context["can_copy"] = request.user.has_perm(pilot_lists.PERM_ADD)
            extra_context["can_publish"] = (
                pilot_list.status == PilotListStatus.DRAFT
                and request.user.has_perm(pilot_lists.PERM_PUBLISH)
            )
            earlier = (
                PilotList.objects.exclude(pk=pilot_list.pk)
                .filter(status=PilotListStatus.PUBLISHED)
                .order_by("-effective_on")
                .first()
            )
            extra_context["compare_url"] = (
                f"{reverse('admin:pilot_products_pilotlist_compare')}"
                f"?old={earlier.pk}&new={pilot_list.pk}"
                if earlier
                else ""
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "compare/",
                wrap(self.compare_view),
                name="pilot_products_pilotlist_compare",
            ),
            path(
                "<path:object_id>/copy/",
                wrap(self.copy_view),
                name="pilot_products_pilotlist_copy",
            ),
            path(
                "<path:object_id>/publish/",
                wrap(self.publish_view),
                name="pilot_products_pilotlist_publish",
            ),
            *super().get_urls(),
        ]

    def _form_page(self, request, pilot_list, form, title, submit_label):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": pilot_list,
            "form": form,
            "submit_label": submit_label,
        }
        return TemplateResponse(
            request, "admin/pilot_products/pilotlist/action_form.html", context
        )

    def _get_list(self, request, object_id):
        pilot_list = self.get_object(request, unquote(object_id))
        if pilot_list is None:
            raise Http404
        if not self.has_view_permission(request, pilot_list):
            raise PermissionDenied
        return pilot_list

    def copy_view(self, request, object_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = self._get_list(request, object_id)
        title = _("Draft a new version from %(version)s") % {"version": source.version}
        form = PilotListCopyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                new_list = pilot_lists.pilot_list_copy(
                    source=source, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    MSG_COPIED % {"version": new_list.version},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:pilot_products_pilotlist_change", args=[new_list.pk])
                )
        return self._form_page(request, source, form, title, _("Draft new version"))

    def publish_view(self, request, object_id):
        if not request.user.has_perm(pilot_lists.PERM_PUBLISH):
            raise PermissionDenied
        pilot_list = self._get_list(request, object_id)
        title = _("Publish version %(version)s") % {"version": pilot_list.version}
        form = PilotListPublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pilot_lists.pilot_list_publish(
                    pilot_list=pilot_list,
                    user=request.user,
                    effective_on=form.cleaned_data["effective_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    MSG_PUBLISHED % {"version": pilot_list.version},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        "admin:pilot_products_pilotlist_change", args=[pilot_list.pk]
                    )
                )
        return self._form_page(request, pilot_list, form, title, _("Publish"))

    def compare_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PilotListCompareForm(request.GET or None)
        comparison = None
        if form.is_valid():
            comparison = pilot_lists.pilot_list_compare(
                old=form.cleaned_data["old"], new=form.cleaned_data["new"]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare pilot list versions"),
            "opts": self.model._meta,
            "form": form,
            "comparison": comparison,
        }
        return TemplateResponse(
            request, "admin/pilot_products/pilotlist/compare.html", context
        )
