from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Issue 21 point 8: a completion recorded by hand carries its score and its real cost.
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0026_tax_tables')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Enrollment',
            name='score',
            field=fields.DecimalField(null=True, max_digits=5, decimal_places=1),
        ),
        ops.AddField(
            model_name='Enrollment',
            name='actual_cost',
            field=fields.DecimalField(null=True, max_digits=12, decimal_places=2),
        ),
    ]
