"""What the service for beneficiaries' named contacts keeps: the contacts the coordinator invited
(their access ends when they are removed), their sign-in codes (only ever as a keyed hash) and the
limits those are counted against, their own API tokens, and the answers to their repeatable writes."""

from django.db import models
from django.db.models import Q

from payback.core.models import RepeatableRequest, staff_member
from payback.portal.models import DIGEST, BearerToken, CodeAttempt, CodeChallenge
from payback.projects.models import Beneficiary


class BeneficiaryContact(models.Model):
    """A named person at a beneficiary who may sign in to see and sign for its projects. Invited by
    the coordinator; removed, they can no longer sign in and their visits and tokens stop at once.
    One live contact has an email address: the address signs in as them alone."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="portal_contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    invited_by = staff_member()
    invited_at = models.DateTimeField(auto_now_add=True)
    removed_by = staff_member(optional=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(removed_at__isnull=True),
                name="one_live_contact_an_email",
                violation_error_message="Someone with this email address can already sign in",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.beneficiary})"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def live(self) -> bool:
        return self.removed_at is None


class ContactChallenge(CodeChallenge):
    """One request for a sign-in code, made the same way whether or not the email address belongs to
    a live contact (`contact` is empty when it does not). Only the code's keyed hash is kept."""

    contact = models.ForeignKey(BeneficiaryContact, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email_digest = models.CharField(max_length=DIGEST, db_index=True)


class ContactAttempt(CodeAttempt):
    """What the sign-in limits count, for an email address (as a keyed hash) and a client address."""

    email_digest = models.CharField(max_length=DIGEST)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "email_digest", "at"]),
            models.Index(fields=["kind", "address", "at"]),
        ]


class ContactToken(BearerToken):
    """A bearer token (`bp_…`) for the contact's use of the API. Only a hash is kept. Never accepted
    as a member of staff's token or a person's, nor theirs as this."""

    contact = models.ForeignKey(BeneficiaryContact, on_delete=models.CASCADE, related_name="+")


class ContactRequest(RepeatableRequest):
    """The answer given to a contact's repeatable write (a signed timesheet, a concern)."""

    user = models.ForeignKey(BeneficiaryContact, on_delete=models.CASCADE, related_name="+")
