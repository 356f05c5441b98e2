"""Log formats (settings.LOGGING): one JSON object per line in production (structlog's
ProcessorFormatter over the standard library's records), a readable line in development. Both
carry the request id (observability.requestid.RequestIdFilter). No Django import here."""


def log_formatters() -> dict:
    import structlog

    shared = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(allow=["request_id", "status_code"]),
    ]
    return {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "foreign_pre_chain": shared,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    }
