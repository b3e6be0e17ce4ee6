"""The figures kept for management information, so that no page adds up the ledger.

`Tally` holds one number for one area, one day (or month) and one measure: flows (hours
worked, sessions stood down, …) for every day and every month, and stocks (hours outstanding,
the backlog, …) as they stood when they were counted. `Refresh` records each time they were
brought up to date. `CaseOutcome` keeps, for each closed requirement, what happened to it and who
the person is, for the fairness tables."""

from django.db import models


class Level(models.TextChoices):
    NATIONAL = "national", "National"
    REGION = "region", "Region"
    PDU = "pdu", "PDU"
    PRACTITIONER = "practitioner", "Practitioner"


class Grain(models.TextChoices):
    DAY = "d", "Day"
    MONTH = "m", "Month"  # the sum of the month's days, dated the 1st
    SNAPSHOT = "s", "Snapshot"  # a stock as it stood at the end of the day


class Tally(models.Model):
    level = models.CharField(max_length=12, choices=Level.choices)
    area = models.IntegerField(help_text="The region's, PDU's or practitioner's id; 0 for national")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    measure = models.CharField(max_length=40)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "area", "grain", "day", "measure"], name="one_tally_per_cell")
        ]
        indexes = [models.Index(fields=["grain", "day"])]
        permissions = [("view_figures", "Can see management information for their area")]

    def __str__(self) -> str:
        return f"{self.measure} {self.level} {self.area} {self.grain} {self.day}: {self.value}"


class RefreshKind(models.TextChoices):
    REFRESH = "refresh", "Recent days and today's stocks"
    REBUILD = "rebuild", "Every day from the start"


class Refresh(models.Model):
    kind = models.CharField(max_length=10, choices=RefreshKind.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    cells = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_day} to {self.last_day}"


class CaseOutcome(models.Model):
    """What happened on one closed requirement, with the person's protected characteristics as
    recorded when it closed. Written when the figures are refreshed; never typed in."""

    requirement = models.OneToOneField(
        "cases.Requirement", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    region_id = models.IntegerField()
    pdu_id = models.IntegerField()
    practitioner_id = models.IntegerField(null=True)
    closed_on = models.DateField()
    sex = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=40)
    age_band = models.CharField(max_length=10)
    disability = models.CharField(max_length=40)
    religion = models.CharField(max_length=40)
    completed = models.BooleanField()
    breached = models.BooleanField()
    sent_home = models.BooleanField()
    stood_down = models.BooleanField()
    individual_placement = models.BooleanField()
    worked = models.BooleanField()
    started_within_28_days = models.BooleanField()
    days_to_first_session = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["closed_on"])]

    def __str__(self) -> str:
        return f"Outcome of requirement {self.requirement_id}"
