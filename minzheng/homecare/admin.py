from django.contrib import admin

from .models import Canteen, Provider, ServiceItem, Worker


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("area", "code", "name", "category", "unit", "price", "is_package", "valid_from", "valid_to")
    list_filter = ("area", "category", "is_package")


admin.site.register(Provider)
admin.site.register(Worker)
admin.site.register(Canteen)
