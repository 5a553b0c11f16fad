# Primaries' titles and descriptions in Russian, Kazakh and English: the existing column becomes the Russian one (its data
# kept), the Kazakh and English ones are added; a text may be written in any one of the three.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("primaries", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="primary", old_name="title", new_name="title_ru"),
        migrations.AlterField(
            model_name="primary",
            name="title_ru",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (Russian)"),
        ),
        migrations.AddField(
            model_name="primary",
            name="title_kk",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (Kazakh)"),
        ),
        migrations.AddField(
            model_name="primary",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.RenameField(model_name="primary", old_name="description", new_name="description_ru"),
        migrations.AlterField(
            model_name="primary",
            name="description_ru",
            field=models.TextField(blank=True, verbose_name="description (Russian)"),
        ),
        migrations.AddField(
            model_name="primary",
            name="description_kk",
            field=models.TextField(blank=True, verbose_name="description (Kazakh)"),
        ),
        migrations.AddField(
            model_name="primary",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
    ]
