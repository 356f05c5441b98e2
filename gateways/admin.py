from django.contrib import admin

from .models import GroupRobot


@admin.register(GroupRobot)
class GroupRobotAdmin(admin.ModelAdmin):
    list_display = ["workstation", "provider", "name", "urgent_reports", "escalations", "enabled"]
    list_filter = ["provider", "enabled"]
