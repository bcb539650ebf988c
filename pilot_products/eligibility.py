"""Whether a pilot product may be submitted and approved: each check with its reason.

Reviewers see every check with its result and the reason behind it, never a bare
yes/no; ``pilot_product_submit`` and ``pilot_product_approve`` refuse while any fails.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from pilot_products.models import (
    CbecListEdition,
    CbecListEntry,
    PilotCategory,
    PilotProduct,
)

CHECK_NAMES = "names"
CHECK_HAS_LINES = "has_tariff_lines"
CHECK_LINES_ON_LIST = "lines_on_list"
CHECK_REQUIREMENTS = "requirements"

LABEL_NAMES = _("Chinese and English names")
LABEL_HAS_LINES = _("At least one tariff line")
LABEL_LINES_ON_LIST = _("Tariff lines on the CBEC list in force")
LABEL_REQUIREMENTS = _("Requirements stated")

MSG_NAMES_OK = _("Both names are present.")
MSG_NAMES_MISSING = _("Missing: %(missing)s.")
MSG_NAME_ZH = _("Chinese name")
MSG_NAME_EN = _("English name")
MSG_HAS_LINES_OK = _("Covers %(count)s tariff line(s).")
MSG_HAS_LINES_NONE = _("No tariff line is selected: add the lines this product covers.")
MSG_NO_EDITION = _("No CBEC list edition is in force today.")
MSG_LINES_ON_LIST_OK = _("Every tariff line is on CBEC list edition %(edition)s.")
MSG_LINES_NOT_ON_LIST = _("Not on CBEC list edition %(edition)s: %(lines)s.")
MSG_LINE_ENTRY = _("%(line)s: row %(row)s, restriction: %(restriction)s%(remark)s")
MSG_REQUIREMENTS_OK = _("Stated: %(requirements)s")
MSG_REQUIREMENTS_NOT_NEEDED = _("No particular requirement for this category.")
MSG_REQUIREMENTS_MISSING = _(
    "Products in the category “%(category)s” need %(needed)s: state it under "
    "requirements."
)

#: Categories whose products may only be sold with a certificate, and the words in
#: the requirements text that show it was stated.
REQUIRED_BY_CATEGORY: dict[str, tuple[object, tuple[str, ...]]] = {
    PilotCategory.HOUSEHOLD_APPLIANCES: (
        _("CCC certification (3C)"),
        ("CCC", "3C"),
    ),
}


@dataclass(frozen=True)
class EligibilityCheck:
    """One check: what was checked, whether it passed, and why."""

    name: str
    label: str
    passed: bool
    reason: str
    details: tuple[str, ...] = ()


def pilot_product_eligibility(
    product: PilotProduct, *, today: date | None = None
) -> list[EligibilityCheck]:
    """Run every eligibility check on a saved product."""
    line_codes = sorted(line.code for line in product.tariff_lines.all())
    return [
        _check_names(product),
        _check_has_lines(line_codes),
        _check_lines_on_list(line_codes, today=today),
        _check_requirements(product),
    ]


def failed_checks(checks: list[EligibilityCheck]) -> list[EligibilityCheck]:
    return [check for check in checks if not check.passed]


def _check_names(product: PilotProduct) -> EligibilityCheck:
    missing = []
    if not product.name_zh.strip():
        missing.append(str(MSG_NAME_ZH))
    if not product.name_en.strip():
        missing.append(str(MSG_NAME_EN))
    if missing:
        reason = MSG_NAMES_MISSING % {"missing": ", ".join(missing)}
    else:
        reason = str(MSG_NAMES_OK)
    return EligibilityCheck(CHECK_NAMES, str(LABEL_NAMES), not missing, reason)


def _check_has_lines(line_codes: list[str]) -> EligibilityCheck:
    if line_codes:
        reason = MSG_HAS_LINES_OK % {"count": len(line_codes)}
    else:
        reason = str(MSG_HAS_LINES_NONE)
    return EligibilityCheck(
        CHECK_HAS_LINES, str(LABEL_HAS_LINES), bool(line_codes), reason
    )


def _check_lines_on_list(
    line_codes: list[str], *, today: date | None
) -> EligibilityCheck:
    label = str(LABEL_LINES_ON_LIST)
    edition = CbecListEdition.objects.in_force(today)
    if edition is None:
        return EligibilityCheck(CHECK_LINES_ON_LIST, label, False, str(MSG_NO_EDITION))
    entries = {
        entry.tariff_line.code: entry
        for entry in CbecListEntry.objects.filter(
            edition=edition, tariff_line__code__in=line_codes
        ).select_related("tariff_line")
    }
    details = tuple(
        _describe_entry(code, entries[code]) for code in line_codes if code in entries
    )
    missing = [code for code in line_codes if code not in entries]
    if missing:
        reason = MSG_LINES_NOT_ON_LIST % {
            "edition": edition.code,
            "lines": ", ".join(missing),
        }
    elif not line_codes:
        reason = str(MSG_HAS_LINES_NONE)
    else:
        reason = MSG_LINES_ON_LIST_OK % {"edition": edition.code}
    passed = bool(line_codes) and not missing
    return EligibilityCheck(CHECK_LINES_ON_LIST, label, passed, reason, details)


def _describe_entry(code: str, entry: CbecListEntry) -> str:
    remark = f" — {entry.remark}" if entry.remark else ""
    return MSG_LINE_ENTRY % {
        "line": code,
        "row": entry.row_number,
        "restriction": entry.get_restriction_display(),
        "remark": remark,
    }


def _check_requirements(product: PilotProduct) -> EligibilityCheck:
    label = str(LABEL_REQUIREMENTS)
    requirements = product.requirements_text.strip()
    needed = REQUIRED_BY_CATEGORY.get(product.pilot_category)
    if needed is None:
        reason = (
            MSG_REQUIREMENTS_OK % {"requirements": requirements}
            if requirements
            else str(MSG_REQUIREMENTS_NOT_NEEDED)
        )
        return EligibilityCheck(CHECK_REQUIREMENTS, label, True, reason)
    needed_label, keywords = needed
    # Stated in either language counts (CCC and 3C are written so in Chinese too).
    both = f"{product.requirements} {product.requirements_zh}".lower()
    stated = any(keyword.lower() in both for keyword in keywords)
    if stated:
        reason = MSG_REQUIREMENTS_OK % {"requirements": requirements}
    else:
        reason = MSG_REQUIREMENTS_MISSING % {
            "category": product.get_pilot_category_display(),
            "needed": needed_label,
        }
    return EligibilityCheck(CHECK_REQUIREMENTS, label, stated, reason)
