from django.db import migrations

OFFICE = "Programmbüro"


def give_every_role_a_unit(apps, schema_editor):
    """Every staff role names its unit; roles without one get their organisation's
    programme office (created if needed)."""
    StaffRole = apps.get_model("accounts", "StaffRole")
    Unit = apps.get_model("accounts", "Unit")
    for role in StaffRole.objects.filter(unit__isnull=True):
        unit, _created = Unit.objects.get_or_create(
            organisation_id=role.organisation_id, name=OFFICE
        )
        role.unit = unit
        role.save(update_fields=["unit"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_hr_role"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="staffrole",
            name="staff_role_unit_editor_has_unit",
        ),
        migrations.RunPython(give_every_role_a_unit, migrations.RunPython.noop),
    ]
