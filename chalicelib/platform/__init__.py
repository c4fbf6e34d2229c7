"""Platform routes: health, the OpenAPI document."""
