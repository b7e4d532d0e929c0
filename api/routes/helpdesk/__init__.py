"""The helpdesk back office, one module per job: who may come in (`access`), the JSON API (`json_api`), the pages
(`pages`)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.helpdesk import access, json_api, pages

router = APIRouter()
router.include_router(json_api.router)
router.include_router(access.router)
router.include_router(pages.router)
