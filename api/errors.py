"""Every bad request becomes a 422 with a reason in the asker's language."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from knowledge.loader import default_knowledge
from rules.discrepancies import explain
from rules.errors import RuleError


def _lang(request: Request) -> str:
    return "nl" if request.query_params.get("lang") == "nl" else "fr"


def install(app: FastAPI) -> None:
    @app.exception_handler(RuleError)
    async def rule_error(request: Request, exc: RuleError) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "code": exc.code, "message": explain(default_knowledge(), exc, _lang(request)),
            "detail": [{"field": exc.params.get("field"), "value": str(exc.params.get("value"))}],
        })

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return JSONResponse(status_code=422, content={
            "code": "request_invalid",
            "message": default_knowledge().message("request_invalid", _lang(request), detail=detail),
            "detail": errors,
        })
