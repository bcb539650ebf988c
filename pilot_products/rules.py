"""Business rules that span several fields or models, shared by every entry point.

Forms and the admin reach them through ``Model.clean()``; bulk imports call them
directly with data they fetched once for the whole file.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilot_products.validators import validate_customs_code_covered

MSG_BOOTH_NOT_OWN = _("The booth must be one of this wholesaler's booths.")


def listing_rule_errors(
    *,
    customs_code: str,
    product_tariff_lines: Iterable[str],
    wholesaler_id: int | None,
    booth_wholesaler_id: int | None,
    has_booth: bool,
) -> dict[str, list[ValidationError]]:
    """Return the field errors of a listing's cross-model rules (empty when valid)."""
    errors: dict[str, list[ValidationError]] = {}
    if customs_code and len(customs_code) == 10 and customs_code.isascii():
        try:
            validate_customs_code_covered(customs_code, list(product_tariff_lines))
        except ValidationError as error:
            errors.setdefault("customs_code", []).append(error)
    if has_booth and booth_wholesaler_id != wholesaler_id:
        errors.setdefault("booth", []).append(
            ValidationError(MSG_BOOTH_NOT_OWN, code="booth_not_own")
        )
    return errors
