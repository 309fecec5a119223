"""The API's interactive documentation: Swagger UI, served from an installed package, on the app's own
OpenAPI document."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")
