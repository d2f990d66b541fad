"""Ports, sea links, sea areas with their marine forecasts, and the landmasses TPS and units stand on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.core import transport as core


class Landmass(models.Model):
    """A polygon of the healed union of the desa boundaries (core.transport.Landmasses); index 0 = mainland."""

    province_code = models.CharField(max_length=2)
    index = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    area_km2 = models.FloatField()
    wkb = models.BinaryField()

    class Meta:
        ordering = ["province_code", "index"]
        constraints = [models.UniqueConstraint(fields=["province_code", "index"], name="transport_landmass_idx")]


class Port(models.Model):
    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    lat = models.FloatField()
    lng = models.FloatField()
    kabkota_code = models.CharField(max_length=5, blank=True)
    island = models.CharField(_("island"), max_length=120, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]


class SeaArea(models.Model):
    """A BMKG forecast area ("perairan ...")."""

    code = models.CharField(max_length=60, primary_key=True)
    name = models.CharField(max_length=200)


OPERATOR_CHOICES = [(core.FERRY, _("Ferry (KMP)")), (core.EXPRESS, _("Express boat")),
                    (core.SPEEDBOAT, _("Speedboat")), (core.MOTOR, _("Motor boat")),
                    (core.FISHING, _("Fishing boat")), (core.POLAIRUD, _("Polairud vessel")),
                    (core.TNI_AL, _("TNI AL vessel"))]
MODE_CHOICES = [(core.SEA, _("Sea")), (core.LAND, _("Land")), (core.RIVER, _("River"))]


class Link(models.Model):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    from_port = models.ForeignKey(Port, on_delete=models.CASCADE, related_name="+")
    to_port = models.ForeignKey(Port, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=5, choices=MODE_CHOICES, default=core.SEA)
    operator = models.CharField(max_length=10, choices=OPERATOR_CHOICES)
    minutes = models.PositiveIntegerField()
    persons = models.PositiveIntegerField(default=0)
    boxes = models.PositiveIntegerField(default=0)
    departures = models.JSONField(default=list)  # ["08:00", ...]; empty: on demand
    days = models.JSONField(default=list)  # weekdays 0=Monday; empty: daily
    wave_limit_m = models.FloatField(null=True, blank=True)  # null: BMKG guidance for the operator kind
    wind_limit_kn = models.FloatField(null=True, blank=True)
    sea_area = models.ForeignKey(SeaArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="links")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def as_core(self) -> core.Link:
        return core.Link(self.code, self.from_port_id, self.to_port_id, self.operator, float(self.minutes),
                         mode=self.mode, persons=self.persons, boxes=self.boxes, departures=tuple(self.departures),
                         days=tuple(self.days), wave_limit_m=self.wave_limit_m, wind_limit_kn=self.wind_limit_kn,
                         sea_area=self.sea_area_id or "")


class MarineForecast(models.Model):
    area = models.ForeignKey(SeaArea, on_delete=models.CASCADE, related_name="forecasts")
    day = models.DateField()
    wave_class = models.CharField(max_length=20, blank=True)
    wave_min_m = models.FloatField(null=True, blank=True)
    wave_max_m = models.FloatField()
    wind_max_kn = models.FloatField()
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "area"]
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="transport_forecast_area_day")]
