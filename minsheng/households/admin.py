"""Administrators keep the yearly parameters here; the register and cases change only through
the programme's pages, files and API (write.py), so they are not editable in the admin."""

from django.contrib import admin

from minsheng.households.models import Parameters


@admin.register(Parameters)
class ParametersAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "year", "line_fixed", "dibao_factor", "medical_mode"]
    list_filter = ["year"]
    raw_id_fields = ["jurisdiction"]
