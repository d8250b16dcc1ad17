"""The roles of the office as groups with their permissions (domain brief, section 2).

Migrations call `sync_roles` whenever models (and so permissions) are added, so a new model's
permissions reach the roles without a hand-written grant. Accounts are never created here.
"""

from django.contrib.auth.management import create_permissions

REGISTRY_MODELS = [
    "cooperative", "statuschange", "boardmember", "member", "yearlyreport", "assessment", "indicatorscore",
    # Partnerships, trainings and supervisory findings
    "partnership", "outsideparty", "training", "trainingparticipant", "finding",
]
REFERENCE_MODELS = ["kecamatan", "desa", "regionalias", "rubricversion", "rubriccondition", "rubricindicator"]
REFERENCE_MODELS += ["kecamatanneighbour"]  # neighbours for partnership suggestions

ROLES = {
    # Everything in the registry, plus accounts and groups in Django admin; the only role with
    # `export_full_nik` (members with the full NIK; given to another user by hand, docs/personal-data.md).
    "Admin Dinas": "__all__",
    # Enter and edit records; import and export; reveal a member's NIK (each reveal is logged).
    "Petugas": (
        [f"{action}_{model}" for model in REGISTRY_MODELS for action in ("view", "add", "change")]
        + [f"view_{model}" for model in REFERENCE_MODELS]
        + ["view_dashboard", "export_data", "change_status", "reveal_nik"]
        # Imports and exports. Undoing an import: their own batches only (commit.may_undo); any
        # batch needs undo_importbatch (Admin Dinas).
        + ["view_importbatch", "add_importbatch", "export_personal_data"]
        # Invites a sitting board member to the cooperatives' portal.
        + ["view_cooperativeaccount", "add_cooperativeaccount"]
        # Reviews what cooperatives submit through the portal (/tinjauan/).
        + ["view_submission", "review_submission", "view_submissiondocument"]
    ),
    # Read dashboards, lists and profiles; export aggregates; never a full NIK.
    "Pimpinan": (
        [f"view_{model}" for model in REGISTRY_MODELS + REFERENCE_MODELS] + ["view_dashboard", "export_data"]
    ),
    # Senior staff who verify assessments (the permission arrives with assessments); reads all.
    "Verifikator": [f"view_{model}" for model in REGISTRY_MODELS + REFERENCE_MODELS]
    + ["view_dashboard", "verify_assessment"],
    # A cooperative's board member: the portal of their own cooperative only, no staff permission.
    "Pengurus Koperasi": ["use_portal"],
}


def sync_roles(apps, schema_editor=None):
    """Create the groups and set each one's permissions from ROLES (historical `apps`)."""
    # Permissions are normally created after all migrations ran; the groups need them now.
    registry = apps.get_app_config("registry")
    registry.models_module = True
    create_permissions(registry, apps=apps, verbosity=0)
    for label in ("auth", "contenttypes"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codenames == "__all__":
            permissions = Permission.objects.filter(content_type__app_label__in=["registry", "auth"])
        else:
            permissions = Permission.objects.filter(content_type__app_label="registry", codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing and _all_models_exist(apps):
                raise RuntimeError(f"Role {name}: unknown permissions {sorted(missing)}")
        group.permissions.set(permissions)


def _all_models_exist(apps):
    """Whether `apps` holds every registry model of the code, so every permission must exist.

    An early migration runs with today's ROLES before later models (and their permissions)
    exist: it grants what exists, and the later model's migration syncs the roles again.
    """
    from django.apps import apps as current_apps

    current = {model._meta.model_name for model in current_apps.get_app_config("registry").get_models()}
    historical = {model._meta.model_name for model in apps.get_app_config("registry").get_models()}
    return current <= historical
