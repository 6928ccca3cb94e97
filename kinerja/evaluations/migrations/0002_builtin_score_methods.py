from django.db import migrations


def install(apps, schema_editor):
    from kinerja.evaluations.presets import BUILTIN_METHODS

    ScoreMethod = apps.get_model("evaluations", "ScoreMethod")
    for preset in BUILTIN_METHODS:
        ScoreMethod.objects.update_or_create(
            instansi=None, key=preset["key"],
            defaults={k: v for k, v in preset.items() if k != "key"},
        )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_evaluations")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
