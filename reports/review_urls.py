"""Quarterly review packet pages (included by reports/urls.py, namespace `reports`)."""

from __future__ import annotations

from django.urls import URLPattern, path

from reports import review_views as views

PACKET = "plans/<slug:slug>/reviews/<int:fy>/q<int:q>/"

urlpatterns: list[URLPattern] = [
    path("plans/<slug:slug>/reviews/", views.review_list, name="review-list"),
    path(PACKET, views.packet, name="review-packet"),
    path(f"{PACKET}meeting/", views.meeting_save, name="review-meeting"),
    path(f"{PACKET}decisions/", views.decision_add, name="review-decision-add"),
    path(f"{PACKET}action-items/", views.item_add, name="review-item-add"),
    path(f"{PACKET}action-items/<int:pk>/close/", views.item_close, name="review-item-close"),
    path(f"{PACKET}packet.pdf", views.packet_download, {"fmt": "pdf"}, name="review-pdf"),
    path(f"{PACKET}packet.docx", views.packet_download, {"fmt": "docx"}, name="review-docx"),
]
