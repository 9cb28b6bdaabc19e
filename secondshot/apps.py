from django.apps import AppConfig


class SecondShotConfig(AppConfig):
    name = "secondshot"
    verbose_name = "Accounts"
