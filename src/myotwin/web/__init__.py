"""The web app (`myotwin serve`): a page where a person sees what their training does, in Dutch
and English, and a JSON API (OpenAPI at /openapi.json) over the same Python API as the CLI."""

from myotwin.web.app import WEB_DRAWS, create_app

__all__ = ["WEB_DRAWS", "create_app"]
