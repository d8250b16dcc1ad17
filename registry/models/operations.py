"""Running the system: named leases that make a job single-flight, and the task workers' heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Lease(models.Model):
    """A named claim that one holder has at a time, until it releases it or the claim expires.

    Taken and released by conditional UPDATEs (registry/services/leases.py), so two processes on
    two machines can never both hold it; a holder killed mid-job blocks the next one only until
    `until`. A lock, not a queue: the tasks themselves are rows of django-tasks-db.
    """

    name = models.CharField(_("nama"), max_length=50, primary_key=True)
    holder = models.CharField(_("pemegang"), max_length=64, blank=True)
    since = models.DateTimeField(_("sejak"), null=True, blank=True)
    until = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("klaim tugas")
        verbose_name_plural = pgettext_lazy("jamak", "klaim tugas")

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """A task worker that is alive: it writes `seen_at` every few seconds while it runs (/healthz)."""

    worker_id = models.CharField(_("pekerja"), max_length=64, primary_key=True)
    hostname = models.CharField(_("mesin"), max_length=255)
    pid = models.PositiveIntegerField(_("nomor proses"))
    started_at = models.DateTimeField(_("mulai"))
    seen_at = models.DateTimeField(_("terakhir terlihat"), db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("denyut pekerja tugas")
        verbose_name_plural = pgettext_lazy("jamak", "denyut pekerja tugas")

    def __str__(self):
        return f"{self.hostname}:{self.pid}"
