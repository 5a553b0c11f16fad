# Council texts in Russian, Kazakh and English: the existing column becomes the Russian one (its data
# kept), the Kazakh and English ones are added; a text may be written in any one of the three.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("councils", "0004_retaliation_category")]

    operations = [
        migrations.RenameField(model_name="agendaitem", old_name="title", new_name="title_ru"),
        migrations.AlterField(
            model_name="agendaitem",
            name="title_ru",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Russian)"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="title_kk",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Kazakh)"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="title_en",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (English)"),
        ),
        migrations.RenameField(model_name="agendaitem", old_name="decision", new_name="decision_ru"),
        migrations.AlterField(
            model_name="agendaitem",
            name="decision_ru",
            field=models.TextField(blank=True, verbose_name="decision (Russian)"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="decision_kk",
            field=models.TextField(blank=True, verbose_name="decision (Kazakh)"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="decision_en",
            field=models.TextField(blank=True, verbose_name="decision (English)"),
        ),
        migrations.RenameField(model_name="proposal", old_name="title", new_name="title_ru"),
        migrations.AlterField(
            model_name="proposal",
            name="title_ru",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Russian)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="title_kk",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Kazakh)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="title_en",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (English)"),
        ),
        migrations.RenameField(model_name="proposal", old_name="text", new_name="text_ru"),
        migrations.AlterField(
            model_name="proposal",
            name="text_ru",
            field=models.TextField(blank=True, verbose_name="text (Russian)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="text_kk",
            field=models.TextField(blank=True, verbose_name="text (Kazakh)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="text_en",
            field=models.TextField(blank=True, verbose_name="text (English)"),
        ),
        migrations.RenameField(model_name="proposal", old_name="answer", new_name="answer_ru"),
        migrations.AlterField(
            model_name="proposal",
            name="answer_ru",
            field=models.TextField(blank=True, verbose_name="answer (Russian)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="answer_kk",
            field=models.TextField(blank=True, verbose_name="answer (Kazakh)"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="answer_en",
            field=models.TextField(blank=True, verbose_name="answer (English)"),
        ),
        migrations.RenameField(model_name="news", old_name="title", new_name="title_ru"),
        migrations.AlterField(
            model_name="news",
            name="title_ru",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (Russian)"),
        ),
        migrations.AddField(
            model_name="news",
            name="title_kk",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (Kazakh)"),
        ),
        migrations.AddField(
            model_name="news",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.RenameField(model_name="news", old_name="body", new_name="body_ru"),
        migrations.AlterField(
            model_name="news",
            name="body_ru",
            field=models.TextField(blank=True, verbose_name="text (Russian)"),
        ),
        migrations.AddField(
            model_name="news",
            name="body_kk",
            field=models.TextField(blank=True, verbose_name="text (Kazakh)"),
        ),
        migrations.AddField(
            model_name="news",
            name="body_en",
            field=models.TextField(blank=True, verbose_name="text (English)"),
        ),
    ]
