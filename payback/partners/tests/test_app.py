from django.apps import apps


def test_the_partners_app_is_installed():
    assert apps.get_app_config("partners").verbose_name.startswith("The service for beneficiaries")


def test_the_places_app_is_installed():
    assert apps.get_app_config("places").verbose_name.startswith("Places")
