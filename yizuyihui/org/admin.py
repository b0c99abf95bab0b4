from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from yizuyihui.org.models import OrgNode, Unit


@admin.register(OrgNode)
class OrgNodeAdmin(TreeAdmin):
    form = movenodeform_factory(OrgNode)
    list_display = ("name", "level", "code", "is_urban")
    search_fields = ("name", "code")
    list_filter = ("level",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "party_group_size", "council_size", "embedding_degree", "council_party_share", "one_shoulder")
    list_filter = ("kind", "one_shoulder")
    search_fields = ("name", "node__code")
    raw_id_fields = ("node",)
