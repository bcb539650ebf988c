"""The wholesaler's import batches in the portal: their own only (404 otherwise)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from pilot_products import access
from pilot_products.batch_forms import ImportBatchForm, ImportBatchLineFormSet
from pilot_products.models import ImportBatch
from pilot_products.services.batches import batch_save
from pilot_products.views.catalogue import page_size, paginate
from pilot_products.views.portal import PortalPage

MSG_BATCH_SAVED = _("Import batch %(number)s saved.")


class BatchListView(PortalPage, TemplateView):
    template_name = "pilot_products/portal/batch_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batches = (
            ImportBatch.objects.filter(wholesaler=self.wholesaler)
            .prefetch_related("lines__tariff_line", "lines__listings")
            .order_by("-declared_on", "declaration_number")
        )
        page = paginate(self.request, batches, page_size(self.request))
        context.update(page_obj=page, batches=page.object_list, page_query="")
        return context


class BatchEditView(PortalPage, TemplateView):
    """Create (no ``pk``) or edit one import batch and its lines."""

    template_name = "pilot_products/portal/batch_form.html"

    def get_batch(self) -> ImportBatch:
        if "pk" in self.kwargs:
            return access.get_for_wholesaler_or_404(
                self.request,
                ImportBatch.objects.all(),
                wholesaler=self.wholesaler,
                pk=self.kwargs["pk"],
            )
        return ImportBatch(wholesaler=self.wholesaler)

    def forms(self, batch, data=None):
        form = ImportBatchForm(data, instance=batch, wholesaler=self.wholesaler)
        lines = ImportBatchLineFormSet(
            data, instance=form.instance, prefix="lines", wholesaler=self.wholesaler
        )
        return form, lines

    def get(self, request, *args, **kwargs):
        form, lines = self.forms(self.get_batch())
        return self.render_to_response(self.get_context_data(form=form, lines=lines))

    def post(self, request, *args, **kwargs):
        form, lines = self.forms(self.get_batch(), request.POST)
        if form.is_valid() and lines.is_valid():
            try:
                batch = batch_save(
                    batch=form.instance, lines=lines.lines(), by=request.user
                )
            except ValidationError as error:
                for field, field_errors in error.update_error_dict({}).items():
                    if field in form.fields:
                        form.add_error(field, field_errors)
                    else:
                        lines._non_form_errors = lines.error_class(field_errors)
            else:
                messages.success(
                    request, MSG_BATCH_SAVED % {"number": batch.declaration_number}
                )
                return HttpResponseRedirect(reverse("pilot_products:portal-batches"))
        return self.render_to_response(self.get_context_data(form=form, lines=lines))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["creating"] = "pk" not in self.kwargs
        return context
