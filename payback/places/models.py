"""Postcodes and where they are: the centre of each postcode from the ONS Postcode Directory."""

from django.db import models


class Postcode(models.Model):
    """One postcode from the ONS Postcode Directory (ONSPD), keyed by its normal form ("SW1A 1AA").
    A terminated postcode is kept, flagged with the month it ended: people's records may still
    carry it, and where it was is still where they live."""

    postcode = models.CharField(max_length=8, primary_key=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    introduced = models.DateField(null=True, blank=True)
    terminated = models.DateField(null=True, blank=True)
    local_authority = models.CharField(max_length=9, blank=True)
    region = models.CharField(max_length=9, blank=True)
    country = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
