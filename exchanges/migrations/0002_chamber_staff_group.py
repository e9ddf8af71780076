"""Creates the ``Chamber staff`` group: view, add and change every directory record and read
its history; no delete, and no say over users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Chamber staff"
DIRECTORY_MODELS = (
    "region",
    "exchangearea",
    "sistertie",
    "firm",
    "salesroute",
    "overseasoffice",
    "mission",
    "source",
    "citation",
)


def staff_permission_codenames():
    for model in DIRECTORY_MODELS:
        for action in ("view", "add", "change"):
            yield f"{action}_{model}"
        yield f"view_historical{model}"


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can get them.
    app_config = apps.get_app_config("exchanges")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = list(staff_permission_codenames())
    permissions = Permission.objects.filter(
        content_type__app_label="exchanges", codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found: {sorted(missing)}")
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
