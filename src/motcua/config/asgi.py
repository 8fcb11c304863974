"""ASGI entry point: ``uvicorn motcua.config.asgi:application``.

The waiting-room display's event stream (/man-hinh/<unit>/su-kien/) is an async view: under
an ASGI server each connected display is a coroutine, not a worker thread, so one process holds
hundreds of them (docs/floor.md). Every other page works the same as under WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")

application = get_asgi_application()
