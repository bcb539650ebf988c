"""Specs for the reference data: CBEC categories, tariff lines, list entries, products.

Pilot products go through the review workflow's rules: an import creates drafts and
changes drafts and rejected products; a row that would change a submitted, approved
or retired product is refused (``rules.pilot_product_edit_error``, the rule the admin
form's save applies), so a reviewer's decision is never changed by a spreadsheet.
"""

from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from pilot_products import rules, search_documents
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    PilotCategory,
    PilotProduct,
    Restriction,
    ReviewStatus,
    TariffLine,
)
from pilot_products.services.review import cbec_edition_flag_products
from pilot_products.validators import MSG_ENTRY_ROW_TAKEN

from .. import cells
from ..columns import Column
from .base import NEW, UNCHANGED, Spec, add_error

MSG_UNKNOWN_CATEGORY = _("No CBEC category with the code “%(code)s” exists.")
MSG_PARENT_BELOW = _(
    "The parent category “%(code)s” is not known: list it in a row above this one "
    "or create it first."
)
MSG_UNKNOWN_TARIFF_LINE = _("The tariff line %(code)s is not in the catalogue.")
MSG_UNKNOWN_EDITION = _("No CBEC list edition with the code “%(code)s” exists.")
MSG_FLAGGED_AFTER_IMPORT = _(
    "Approved pilot products flagged for review against edition %(edition)s: %(codes)s."
)
MSG_PARENT_CYCLE = _(
    "The category “%(code)s” cannot have “%(parent)s” as its parent: that category "
    "is “%(code)s” itself or one of its subcategories."
)
MSG_PRODUCT_CHANGED_MEANWHILE = _(
    "Pilot product %(product)s was changed while the file was being imported."
)


class CategoriesSpec(Spec):
    name = "categories"
    model = CbecCategory
    key_fields = ("code",)
    lookup_columns = {"parent_id": "parent"}
    clean_exclude = ("parent",)
    columns = (
        Column("code", "编码", cells.identifier, "code", required=True,
               example="toys_games"),
        Column("name_zh", "中文名称", cells.text, "name_zh", required=True,
               example="玩具"),
        Column("name_en", "英文名称", cells.text, "name_en", required=True,
               example="Toys and games"),
        Column("parent", "上级类别", cells.identifier, aliases=("parent_code",)),
        Column("sort_order", "排序", cells.integer, "sort_order", example=10),
    )  # fmt: skip

    def start(self):
        self.codes = dict(CbecCategory.objects.values_list("code", "pk"))
        self.parent_code_of = {pk: code for code, pk in self.codes.items()}
        #: code -> parent code as the file leaves it so far (rows above included).
        self.parent_of = {
            code: self.parent_code_of.get(parent_id)
            for code, parent_id in CbecCategory.objects.values_list("code", "parent_id")
        }
        self.existing = {
            (state["code"],): state for state in CbecCategory.objects.values()
        }

    def prepare(self, records):
        """Judge each row's parent against the rows above it, before any row is built.

        A parent must exist or come in an earlier row, and must not be the row's own
        category or one of its subcategories (no loops in the tree).
        """
        self.parent_problem: dict[str, str] = {}
        for record in records:
            code, parent = record.get("code") or "", record.get("parent") or ""
            if not code:
                continue
            if parent and parent not in self.parent_of:
                self.parent_problem.setdefault(
                    code, str(MSG_PARENT_BELOW % {"code": parent})
                )
            elif parent and self._descends_from(parent, code):
                self.parent_problem.setdefault(
                    code, str(MSG_PARENT_CYCLE % {"code": code, "parent": parent})
                )
            else:
                self.parent_of[code] = parent or None

    def _descends_from(self, category: str, ancestor: str) -> bool:
        seen = set()
        while category and category not in seen:
            if category == ancestor:
                return True
            seen.add(category)
            category = self.parent_of.get(category)
        return False

    def resolve(self, values, fields, errors):
        parent = values.get("parent") or ""
        problem = self.parent_problem.get(fields.get("code") or "")
        if parent and problem:
            add_error(errors, "parent", problem)
        fields["parent_id"] = self.codes.get(parent)
        return parent

    def existing_extra(self, state):
        return self.parent_code_of.get(state["parent_id"], "")

    extra_column = "parent"

    def write(self, candidates, user_id, reason):
        for candidate in candidates:
            if candidate.action == UNCHANGED:
                continue
            instance = candidate.instance
            instance.parent_id = (
                self.codes.get(candidate.extra) if candidate.extra else None
            )
            instance.save()
            self.codes[instance.code] = instance.pk
            self.parent_code_of[instance.pk] = instance.code
        changed = [c.instance.pk for c in candidates if c.action != UNCHANGED]
        if changed:
            # Category names are in the search documents of every listing whose
            # product has a line in the category or in one below it.
            catalogue_changed(
                product_ids=search_documents.products_under_categories(changed)
            )

    def export_queryset(self, queryset=None):
        return super().export_queryset(queryset).select_related("parent")

    def export_rows(self, queryset) -> Iterator[list[Any]]:
        for category in queryset.iterator(chunk_size=2000):
            yield [
                category.code,
                category.name_zh,
                category.name_en,
                category.parent.code if category.parent else "",
                category.sort_order,
            ]


class TariffLinesSpec(Spec):
    name = "tariff-lines"
    model = TariffLine
    key_fields = ("code",)
    lookup_columns = {"category_id": "category"}
    lookup_codes = {"category_id": "categories"}
    clean_exclude = ("category",)
    columns = (
        Column("code", "税则号列", cells.tariff_line, "code", required=True,
               aliases=("tariff_line", "税号"), is_code=True, example="04011000"),
        Column("name_zh", "中文名称", cells.text, "name_zh", required=True,
               example="脂肪含量≤1%的未浓缩及未加糖的乳"),
        Column("name_en", "英文名称", cells.text, "name_en", example="Milk, fat ≤ 1%"),
        Column("category", "跨境电商类别", cells.identifier, required=True,
               example="food"),
    )  # fmt: skip

    def start(self):
        self.categories = dict(CbecCategory.objects.values_list("code", "pk"))
        self.existing = {
            (state["code"],): state for state in TariffLine.objects.values()
        }

    def resolve(self, values, fields, errors):
        code = values.get("category")
        if code:
            fields["category_id"] = self.categories.get(code)
            if fields["category_id"] is None:
                add_error(errors, "category", MSG_UNKNOWN_CATEGORY % {"code": code})

    def write(self, candidates, user_id, reason):
        super().write(candidates, user_id, reason)
        changed = [
            c.instance.pk for c in candidates if c.action not in (NEW, UNCHANGED)
        ]
        if changed:
            # A line's category lends its names to the search documents.
            catalogue_changed(
                product_ids=PilotProduct.objects.filter(
                    tariff_lines__in=changed
                ).values_list("pk", flat=True)
            )

    def export_queryset(self, queryset=None):
        return super().export_queryset(queryset).select_related("category")

    def export_rows(self, queryset):
        for line in queryset.iterator(chunk_size=2000):
            yield [line.code, line.name_zh, line.name_en, line.category.code]


class CbecEntriesSpec(Spec):
    name = "cbec-entries"
    model = CbecListEntry
    key_fields = ("edition_id", "tariff_line_id")
    lookup_columns = {"edition_id": "edition", "tariff_line_id": "tariff_line"}
    clean_exclude = ("edition", "tariff_line")
    columns = (
        Column("edition", "清单批次", cells.identifier, required=True, example="2022"),
        Column("tariff_line", "税则号列", cells.tariff_line, required=True,
               aliases=("税号",), is_code=True, example="04011000"),
        Column("row_number", "序号", cells.integer, "row_number", required=True,
               example=1),
        Column("remark", "备注", cells.text, "remark"),
        Column("restriction", "限制", cells.choice(Restriction), "restriction",
               choices=tuple(Restriction.values), example=Restriction.NONE),
        Column("verified", "已核对", cells.boolean, "verified", example="no"),
    )  # fmt: skip

    def start(self):
        self.editions = dict(CbecListEdition.objects.values_list("code", "pk"))
        self.lines = dict(TariffLine.objects.values_list("code", "pk"))
        self.touched_editions: set[int] = set()
        self.existing = {
            (state["edition_id"], state["tariff_line_id"]): state
            for state in CbecListEntry.objects.values()
        }
        #: (edition, row number) -> tariff line holding it, in the database and then
        #: in the rows above (one row number per line and edition).
        self.row_holder = {
            (state["edition_id"], state["row_number"]): state["tariff_line_id"]
            for state in self.existing.values()
        }

    def prepare(self, records):
        """Claim each row's (edition, row number) in file order, before building."""
        self.row_taken_by_other: set[tuple[str, str]] = set()
        for record in records:
            edition = self.editions.get(record.get("edition") or "")
            line = self.lines.get(record.get("tariff_line") or "")
            number = record.get("row_number")
            if edition is None or line is None or number is None:
                continue
            holder = self.row_holder.setdefault((edition, number), line)
            if holder != line:
                self.row_taken_by_other.add((record["edition"], record["tariff_line"]))

    def resolve(self, values, fields, errors):
        edition, line = values.get("edition"), values.get("tariff_line")
        if edition:
            fields["edition_id"] = self.editions.get(edition)
            if fields["edition_id"] is None:
                add_error(errors, "edition", MSG_UNKNOWN_EDITION % {"code": edition})
        if line:
            fields["tariff_line_id"] = self.lines.get(line)
            if fields["tariff_line_id"] is None:
                add_error(
                    errors, "tariff_line", MSG_UNKNOWN_TARIFF_LINE % {"code": line}
                )
        if (edition, line) in self.row_taken_by_other:
            add_error(
                errors,
                "row_number",
                MSG_ENTRY_ROW_TAKEN % {"row": values["row_number"]},
            )

    def write(self, candidates, user_id, reason):
        super().write(candidates, user_id, reason)
        self.touched_editions.update(c.instance.edition_id for c in candidates)

    def after_write(self, user):
        """Flag approved products off the newest edition, if the file touched it.

        Only the newest edition decides (as when reference data is loaded): a
        correction to an older edition must not flag products approved since.
        """
        newest = CbecListEdition.objects.order_by("-effective_on").first()
        if newest is None or newest.pk not in self.touched_editions:
            return []
        flagged = cbec_edition_flag_products(edition=newest, user=user)
        if not flagged:
            return []
        codes = ", ".join(product.code for product in flagged)
        return [
            str(MSG_FLAGGED_AFTER_IMPORT % {"edition": newest.code, "codes": codes})
        ]

    def export_queryset(self, queryset=None):
        return (
            super().export_queryset(queryset).select_related("edition", "tariff_line")
        )

    def export_rows(self, queryset):
        for entry in queryset.iterator(chunk_size=2000):
            yield [
                entry.edition.code,
                entry.tariff_line.code,
                entry.row_number,
                entry.remark,
                entry.restriction,
                entry.verified,
            ]


class PilotProductsSpec(Spec):
    """Product types; imports create drafts, the review workflow decides the status."""

    name = "pilot-products"
    model = PilotProduct
    key_fields = ("code",)
    columns = (
        Column("code", "试点商品编号", cells.case_insensitive_code, "code",
               required=True, example="P07"),
        Column("name_zh", "中文名称", cells.text, "name_zh", required=True,
               example="儿童拼图"),
        Column("name_en", "英文名称", cells.text, "name_en", required=True,
               example="Jigsaw puzzles"),
        Column("pilot_category", "试点类别", cells.choice(PilotCategory),
               "pilot_category", required=True, choices=tuple(PilotCategory.values),
               example=PilotCategory.CHILDRENS_TOYS),
        Column("tariff_lines", "税则号列", cells.code_list(cells.tariff_line),
               required=True, is_code=True, example="95030060;95030089"),
        Column("requirements", "准入要求（英文）", cells.text, "requirements",
               aliases=("准入要求",)),
        Column("requirements_zh", "准入要求（中文）", cells.text, "requirements_zh"),
        Column("is_illustrative", "示例数据", cells.boolean, "is_illustrative",
               example="no"),
        Column("status", "审核状态", cells.text, read_only=True,
               choices=tuple(ReviewStatus.values), example=ReviewStatus.DRAFT),
    )  # fmt: skip
    extra_column = "tariff_lines"

    def start(self):
        self.lines = dict(TariffLine.objects.values_list("code", "pk"))
        self.existing = {
            (state["code"],): state for state in PilotProduct.objects.values()
        }
        self.current_lines: dict[int, tuple[str, ...]] = {}
        for product_id, code in PilotProduct.tariff_lines.through.objects.values_list(
            "pilotproduct_id", "tariffline__code"
        ):
            self.current_lines.setdefault(product_id, ())
            self.current_lines[product_id] += (code,)

    def resolve(self, values, fields, errors):
        # The code's format is the model field's validator, checked in clean_fields.
        lines = values.get("tariff_lines")
        if lines is None:
            return None
        for line in lines:
            if line not in self.lines:
                add_error(
                    errors, "tariff_lines", MSG_UNKNOWN_TARIFF_LINE % {"code": line}
                )
        return tuple(sorted(set(lines)))

    def existing_extra(self, state):
        return tuple(sorted(self.current_lines.get(state["id"], ())))

    def check_change(self, candidate, row, existing, errors):
        locked = rules.pilot_product_edit_error(
            code=existing["code"], status=existing["status"]
        )
        if locked is not None:
            self.add_rule_error(errors, "code", locked)

    @transaction.atomic
    def write(self, candidates, user_id, reason):
        changing = [c for c in candidates if c.action != UNCHANGED]
        updated = [c.instance.pk for c in changing if c.instance.pk]
        # Lock what the rows change: a decision or an admin save made since the
        # rows were validated wins, and the import stops (nothing is written).
        current = dict(
            PilotProduct.objects.select_for_update()
            .filter(pk__in=updated)
            .values_list("pk", "revision")
        )
        user = self.scope.user if user_id is not None else None
        for candidate in changing:
            product = candidate.instance
            if product.pk is None:
                product.status = ReviewStatus.DRAFT
                product.created_by = user
                product.revision = 1
            else:
                validated = self.existing[candidate.key]
                if current.get(product.pk) != validated["revision"]:
                    raise DatabaseError(
                        str(MSG_PRODUCT_CHANGED_MEANWHILE % {"product": product.code})
                    )
                product.revision = validated["revision"] + 1
            product._change_reason = reason
            if user is not None:
                product._history_user = user
            product.save()
            if candidate.extra is not None:
                product.tariff_lines.set([self.lines[code] for code in candidate.extra])
        catalogue_changed(product_ids=[c.instance.pk for c in changing])

    def export_queryset(self, queryset=None):
        return super().export_queryset(queryset).prefetch_related("tariff_lines")

    def export_rows(self, queryset):
        for product in queryset.iterator(chunk_size=500):
            yield [
                product.code,
                product.name_zh,
                product.name_en,
                product.pilot_category,
                ";".join(sorted(line.code for line in product.tariff_lines.all())),
                product.requirements,
                product.requirements_zh,
                product.is_illustrative,
                product.status,
            ]
