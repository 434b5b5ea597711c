from django.contrib import admin

from .models import Canteen, Provider, ServiceItem, Worker


class ReadOnlyAdmin(admin.ModelAdmin):
    """Back-office view only: every change goes through services.py, which checks the actor's area and right
    and writes the audit trail (an admin form would bypass both)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("area", "code", "name", "category", "unit", "price", "is_package", "valid_from", "valid_to")
    list_filter = ("area", "category", "is_package")


admin.site.register(Provider, ReadOnlyAdmin)
admin.site.register(Worker, ReadOnlyAdmin)
admin.site.register(Canteen, ReadOnlyAdmin)
