"""Quarterly review packet pages (included by reports/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
