import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_history_staff_role_unit_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="staffrole",
            name="unit",
            field=models.ForeignKey(
                help_text="The unit the person works in: the history names it with every change "
                "they make. An editor of one unit may change that unit's measures.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staff_roles",
                to="accounts.unit",
                verbose_name="unit",
            ),
        ),
    ]
