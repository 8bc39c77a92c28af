from django.contrib import admin

from minsheng.citizens.masking import mask_phone
from minsheng.citizens.models import Resident


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "masked", "created_at"]
    search_fields = ["phone", "name"]

    @admin.display(description="电话")
    def masked(self, obj: Resident) -> str:
        return mask_phone(obj.phone)
