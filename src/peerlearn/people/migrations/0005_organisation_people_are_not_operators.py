"""People of an organisation lose staff and superuser status: Django admin is for the
installation's operators (superusers with no organisation) only.

Earlier `peerlearn createadmin` and the demo made every organisation admin a superuser,
which let them read and change other organisations' people in Django admin. Their
`is_org_admin` stays, so they keep managing their own organisation in peerlearn's pages.
"""

from django.db import migrations


def take_operator_rights_from_organisation_people(apps, schema_editor):
    User = apps.get_model("people", "User")
    User.objects.filter(organisation__isnull=False).exclude(
        is_staff=False, is_superuser=False
    ).update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_plain_django_sessions"),
    ]

    operations = [
        migrations.RunPython(
            take_operator_rights_from_organisation_people, migrations.RunPython.noop
        ),
    ]
