"""Stock lots and their ledger. The balance lives on the lot row and changes only by a
conditional UPDATE in the same transaction as its entry, so two simultaneous withdrawals
cannot both pass; a database CHECK keeps it from going below zero whatever the code does."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Product(models.TextChoices):
    KETAMINE = "ketamine", "Ketamine HCl injection"
    ESKETAMINE = "esketamine", "Esketamine nasal spray (28 mg device)"
    KETAMINE_TABLET = "ketamine_tablet", "Ketamine tablets (at-home ODT/troche)"


# What a quantity counts: milligrams of ketamine; whole esketamine devices.
UNITS = {Product.KETAMINE: "mg", Product.ESKETAMINE: "device", Product.KETAMINE_TABLET: "tablet"}


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    ADMINISTRATION = "administration", "Administration"
    WASTE = "waste", "Waste (witnessed)"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Reversal"
    SHIPMENT = "shipment", "Shipped to a patient (at-home plan)"


class StockLot(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    product = models.CharField(max_length=20, choices=Product.choices)
    lot = models.CharField("Lot number", max_length=60)
    expires_on = models.DateField("Expiry")
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["product", "expires_on", "lot"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "product", "lot"], name="one_row_per_lot"),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="balance_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} lot {self.lot}"

    @property
    def unit(self) -> str:
        return UNITS[Product(self.product)]

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class Entry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    stock = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    change = models.DecimalField(max_digits=12, decimal_places=2, help_text="+ in, - out")
    balance_after = models.DecimalField(max_digits=12, decimal_places=2)
    session = models.ForeignKey(
        "dosing_sessions.DosingSession", null=True, blank=True, on_delete=models.PROTECT,
        related_name="controlled_entries",
    )  # fmt: skip
    party = models.CharField(
        max_length=200, blank=True, help_text="Supplier, or the registrant a transfer is with"
    )
    reason = models.CharField(max_length=300, blank=True)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["clinic", "stock", "recorded_at"])]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.change} ({self.stock})"


class StockCount(models.Model):
    """A periodic count of one lot: what the log expected, what was on the shelf."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    stock = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="counts")
    expected = models.DecimalField(max_digits=12, decimal_places=2)
    counted = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    adjustment = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="count"
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-counted_at", "-id"]
        # The Today page's week of discrepancies, among years of daily counts.
        indexes = [
            models.Index(
                fields=["clinic", "counted_at"],
                condition=models.Q(adjustment__isnull=False),
                name="count_discrepancies",
            )
        ]

    def __str__(self) -> str:
        return f"count of {self.stock} on {self.counted_at:%Y-%m-%d}"
