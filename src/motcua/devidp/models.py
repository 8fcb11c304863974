"""The development identity provider's register of people (a stand-in for the national
population database behind VNeID): the claims it vouches for, per login account."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DevIdentity(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="dev_identity")
    id_number = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=255)
    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=500, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    tax_code = models.CharField(max_length=14, blank=True)
    organisation = models.CharField(max_length=255, blank=True)

    def claims(self) -> dict:
        return {
            "name": self.name, "id_number": self.id_number,
            "birth_date": self.birth_date.isoformat() if self.birth_date else "",
            "gender": self.gender, "address": self.address, "phone": self.phone,
            "email": self.email, "tax_code": self.tax_code, "organisation": self.organisation,
        }
