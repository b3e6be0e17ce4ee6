from ninja import NinjaAPI

api = NinjaAPI(title="Payback API", version="1", urls_namespace="api")
