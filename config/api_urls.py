"""REST API routes (`/api/v1/`) and the OpenAPI schema with its browsable docs."""

from __future__ import annotations

urlpatterns: list = []
