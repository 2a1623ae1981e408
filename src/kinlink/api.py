"""The REST API root: each app adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(title="Kinlink API", version="1", urls_namespace="api")
