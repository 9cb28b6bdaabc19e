"""Turn a database that is busy or briefly gone into a page a person understands.

A workflow runs in one transaction, so when the database fails part-way
(a lock not had in time, a connection cut) nothing was written: the person is
told to try again, with HTTP 503 and Retry-After, instead of a server error.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)


class DatabaseTroubleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        # A cut connection is not reused: Django drops it when the request ends.
        logger.warning("Database busy or unavailable during %s: %s", request.path, exception)
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        return response
