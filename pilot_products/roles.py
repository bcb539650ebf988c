"""The four roles of the product as Django groups, with the permissions each needs."""

from django.utils.translation import gettext_lazy as _

PILOT_REVIEWER = "Pilot reviewer"
CATALOGUE_EDITOR = "Catalogue editor"
MALL_OPERATOR = "Mall operator"
WHOLESALER_USER = "Wholesaler user"

ROLE_LABELS = {
    PILOT_REVIEWER: _("Pilot reviewer"),
    CATALOGUE_EDITOR: _("Catalogue editor"),
    MALL_OPERATOR: _("Mall operator"),
    WHOLESALER_USER: _("Wholesaler user"),
}

_REFERENCE_MODELS = ("cbeccategory", "tariffline", "cbeclistedition", "cbeclistentry")


def _perms(actions: tuple[str, ...], models: tuple[str, ...]) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]


#: Permission codenames (all in the pilot_products app) granted to each group.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    PILOT_REVIEWER: [
        *_perms(("view", "export"), _REFERENCE_MODELS),
        # Reviewers decide on products but never edit them (four-eyes rule).
        *_perms(("view", "export"), ("pilotproduct",)),
        # Reviewers publish pilot list versions that editors drafted, never their own.
        *_perms(("view", "export"), ("pilotlist",)),
        "review_pilotproduct",
        *_perms(("view", "export"), ("officialfigure", "importtarget")),
        "publish_pilotlist",
        *_perms(
            ("view",),
            ("wholesaler", "booth", "listing", "importrecord", "exportrecord"),
        ),
        *_perms(("view",), ("importbatch", "importbatchline")),
    ],
    CATALOGUE_EDITOR: [
        *_perms(
            ("view", "add", "change", "delete", "import", "export"), _REFERENCE_MODELS
        ),
        *_perms(
            ("view", "add", "change", "import", "export"), ("pilotproduct", "pilotlist")
        ),
        "submit_pilotproduct",
        "view_importrecord",
        "view_exportrecord",
        # The words buyers search by are the catalogue's vocabulary: editors keep it.
        *_perms(("view", "add", "change", "delete"), ("searchsynonym",)),
        # The pilot office's figures and the city's targets, with their sources.
        *_perms(
            ("view", "add", "change", "delete", "import", "export"),
            ("officialfigure", "importtarget"),
        ),
    ],
    MALL_OPERATOR: [
        *_perms(
            ("view", "add", "change", "import", "export"),
            ("wholesaler", "booth", "listing"),
        ),
        *_perms(("view", "add", "change", "delete"), ("wholesalermember",)),
        *_perms(
            ("view", "add", "change", "delete", "import", "export"),
            ("importbatch", "importbatchline"),
        ),
        "view_pricetier",
        "change_pricetier",
        *_perms(("view",), ("pilotproduct", "pilotlist", "tariffline", "cbeccategory")),
        "view_importrecord",
        "view_exportrecord",
    ],
    # Wholesaler users work only in the portal, where access follows their membership.
    WHOLESALER_USER: [],
}


def sync_roles(apps) -> None:
    """Create the groups and set exactly the permissions listed above."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("pilot_products")
    if getattr(app_config, "models_module", None) is None:
        # A migration's historical registry: create_permissions skips apps without a
        # models module, and permissions are otherwise only made after all migrations.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    else:
        create_permissions(app_config, apps=apps, verbosity=0)

    known_models = {model._meta.model_name for model in app_config.get_models()}
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        permissions = permission_model.objects.filter(
            content_type__app_label="pilot_products", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        # An earlier migration runs this before later models exist; their
        # permissions are granted by the migration that creates them.
        missing = {name for name in missing if name.split("_", 1)[1] in known_models}
        if missing:
            raise RuntimeError(
                f"Unknown permissions for {group_name}: {sorted(missing)}"
            )
        group.permissions.set(permissions)
