"""Error reports that leave personal data out: e-mails to ADMINS and events sent to Sentry.

A form or a query string may hold a member's name or NIK, and a traceback's local variables may
hold a whole record; error reports carry the traceback and the path, never those values.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from registry.nik import redact_niks


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Every POST value, every local variable and the query string hidden (debug off, as Django's filter)."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for name in cleansed:
            cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        for name in ("QUERY_STRING", "HTTP_REFERER", "REQUEST_URI", "RAW_URI"):
            if meta.get(name):
                meta[name] = self.cleansed_substitute
        return meta


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's report without the GET values and with the address cut before its query string."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = [(name, self.filter.cleansed_substitute) for name in self.request.GET]
            data["request_insecure_uri"] = data.get("request_insecure_uri", "").split("?", 1)[0]
            data["exception_value"] = redact_niks(data.get("exception_value"))
        return data


def sentry_before_send(event, hint):
    """Strip what the SDK could still carry about the request: query string, body, cookies."""
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = redact_niks(exception.get("value"))
    if isinstance(event.get("message"), str):
        event["message"] = redact_niks(event["message"])
    request = event.get("request")
    if request:
        for key in ("query_string", "data", "cookies"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
        headers = request.get("headers") or {}
        for name in list(headers):
            if name.lower() in {"referer", "cookie", "authorization"}:
                headers.pop(name)
    return event


def sentry_init(dsn, *, environment):
    """Report errors to a Sentry-compatible service at `dsn` (SENTRY_DSN), without personal data."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        traces_sample_rate=0.0,
    )
