"""Test centres' countries as ISO 3166 codes (django-countries), read in every language.

Each English name stored before is turned into its code; a name that is not one stops
the migration with the names to correct first, rather than losing them.
"""

from django.db import migrations
from django_countries import countries
from django_countries.fields import CountryField

ALIASES = {"United States": "US", "USA": "US", "Turkey": "TR", "Czech Republic": "CZ"}


def to_codes(apps, schema_editor):
    TestCenter = apps.get_model("exams", "TestCenter")
    codes = dict(countries)
    unknown = set()
    for centre in TestCenter.objects.all():
        name = centre.country.strip()
        code = name.upper() if name.upper() in codes else ALIASES.get(name) or countries.by_name(name)
        if not code:
            unknown.add(name)
            continue
        TestCenter.objects.filter(pk=centre.pk).update(country=code)
    if unknown:
        raise RuntimeError(
            "These test centres' countries are not country names: "
            f"{sorted(unknown)}. Correct them, then migrate again."
        )


def to_names(apps, schema_editor):
    TestCenter = apps.get_model("exams", "TestCenter")
    for centre in TestCenter.objects.all():
        name = dict(countries).get(centre.country, centre.country)
        TestCenter.objects.filter(pk=centre.pk).update(country=str(name))


class Migration(migrations.Migration):
    dependencies = [("exams", "0002_translatable_names")]

    operations = [
        migrations.RunPython(to_codes, to_names),
        migrations.AlterField(
            model_name="testcenter",
            name="country",
            field=CountryField(max_length=2, verbose_name="country"),
        ),
    ]
