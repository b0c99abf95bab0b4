from django.contrib import admin

from yizuyihui.people.models import Household, Membership, Person, Post, Registration


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "birth_year", "is_party_member", "node")
    search_fields = ("name",)
    list_filter = ("is_party_member", "gender")
    raw_id_fields = ("node", "household", "user")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("address", "category", "size", "unit")
    list_filter = ("category",)
    search_fields = ("address",)
    raw_id_fields = ("node", "unit")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "body", "role", "identity", "ended")
    list_filter = ("body", "role")
    raw_id_fields = ("person", "unit")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "node", "active")
    list_filter = ("role", "active")
    raw_id_fields = ("user", "node")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "node", "employer", "registered_on")
    raw_id_fields = ("person", "node")
