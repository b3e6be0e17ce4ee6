from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Region(models.Model):
    """One of the 12 probation regions of England and Wales."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pdu(models.Model):
    """A Probation Delivery Unit within a region."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pdus")

    class Meta:
        ordering = ["region__name", "name"]
        verbose_name = "PDU"

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    PDU = "pdu", "PDU"
    REGION = "region", "Region"
    NATIONAL = "national", "National"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_STATED = "not_stated", "Not stated"


class User(AbstractUser):
    """A member of staff. What they may do comes from their role (a group); what they may see
    comes from their scope: one PDU, one region, or the whole country."""

    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PDU)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pdu = models.ForeignKey(Pdu, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_STATED)
    job_title = models.CharField(max_length=100, blank=True)
    # The team a practitioner works in; each move is in the audit trail of their account.
    team = models.ForeignKey("Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="members")

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="user_scope_has_area",
                condition=(
                    models.Q(scope="national")
                    | models.Q(scope="region", region__isnull=False)
                    | models.Q(scope="pdu", pdu__isnull=False, region__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    @property
    def role_label(self) -> str:
        return ", ".join(self.role_names) or "No role"

    @property
    def scope_label(self) -> str:
        if self.scope == Scope.NATIONAL:
            return "National"
        if self.scope == Scope.REGION:
            return str(self.region)
        return f"{self.pdu}, {self.region}"


class Team(models.Model):
    """Practitioners in one PDU, led by a senior probation officer who oversees their cases."""

    name = models.CharField(max_length=100)
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="teams")
    lead = models.ForeignKey(User, on_delete=models.PROTECT, related_name="teams_led")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_caseloads", "Can manage teams and reallocate cases")]
        constraints = [models.UniqueConstraint(fields=["pdu", "name"], name="team_name_unique_in_pdu")]

    def __str__(self) -> str:
        return self.name


API_TOKEN_DAYS = 90  # how long a token works unless made for less
API_TOKEN_MAX_DAYS = 365


def default_token_expiry() -> datetime:
    return timezone.now() + timedelta(days=API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for API clients. Only a hash is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_token_expiry)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @property
    def is_active(self) -> bool:
        return self.status == "Active"
