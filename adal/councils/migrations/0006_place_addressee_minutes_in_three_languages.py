# A meeting's place and minutes and a proposal's addressee in Russian, Kazakh and English, as 0005 did for
# the other council texts: the existing column becomes the Russian one (its data kept), the Kazakh and
# English ones are added. A meeting still needs a place (now in any of the three languages) or a link.

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("councils", "0005_texts_in_three_languages")]

    operations = [
        migrations.RemoveConstraint(model_name="meeting", name="meeting_has_a_place"),
        migrations.RenameField(model_name="meeting", old_name="place", new_name="place_ru"),
        migrations.AlterField(
            model_name="meeting",
            name="place_ru",
            field=models.CharField(blank=True, max_length=255, verbose_name="place (Russian)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="place_kk",
            field=models.CharField(blank=True, max_length=255, verbose_name="place (Kazakh)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="place_en",
            field=models.CharField(blank=True, max_length=255, verbose_name="place (English)"),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=~Q(place_ru="") | ~Q(place_kk="") | ~Q(place_en="") | ~Q(online_url=""),
                name="meeting_has_a_place",
            ),
        ),
        migrations.RenameField(model_name="meeting", old_name="minutes", new_name="minutes_ru"),
        migrations.AlterField(
            model_name="meeting",
            name="minutes_ru",
            field=models.TextField(blank=True, verbose_name="minutes (Russian)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="minutes_kk",
            field=models.TextField(blank=True, verbose_name="minutes (Kazakh)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="minutes_en",
            field=models.TextField(blank=True, verbose_name="minutes (English)"),
        ),
        migrations.RenameField(model_name="proposal", old_name="addressee", new_name="addressee_ru"),
        migrations.AlterField(
            model_name="proposal",
            name="addressee_ru",
            field=models.CharField(blank=True, max_length=255, verbose_name="addressee (Russian)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="addressee_kk",
            field=models.CharField(blank=True, max_length=255, verbose_name="addressee (Kazakh)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="addressee_en",
            field=models.CharField(blank=True, max_length=255, verbose_name="addressee (English)"),
        ),
    ]
