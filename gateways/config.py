"""What each gateway needs from the environment, checked when settings load (no Django import).

A production server (DEBUG off) that names a real gateway in NOTIFY_CHANNELS but lacks one of its
variables refuses to start and names the variable; the logging channels need nothing. It must also
say which SMS channel it uses: with NOTIFY_SMS_CHANNEL unset it refuses too, since residents would
silently get no SMS; `NOTIFY_SMS_CHANNEL=log` chooses the logging channel on purpose.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

SMS_COMMON = ("SMS_SIGN_NAME", "SMS_TEMPLATE_NOTICE")
REQUIRED_ENV = {
    "gateways.sms.AlibabaSmsChannel": ("ALIBABA_SMS_ACCESS_KEY_ID", "ALIBABA_SMS_ACCESS_KEY_SECRET", *SMS_COMMON),
    "gateways.sms.TencentSmsChannel": (
        "TENCENT_SMS_SECRET_ID",
        "TENCENT_SMS_SECRET_KEY",
        "TENCENT_SMS_SDK_APP_ID",
        *SMS_COMMON,
    ),
}
# Short names an operator may write in NOTIFY_SMS_CHANNEL.
SMS_CHANNELS = {
    "log": "issues.notify.LoggingSmsChannel",
    "alibaba": "gateways.sms.AlibabaSmsChannel",
    "tencent": "gateways.sms.TencentSmsChannel",
}


def sms_channel_path(value: str) -> str:
    return SMS_CHANNELS.get(value.strip().lower(), value.strip()) or SMS_CHANNELS["log"]


def missing_variables(channels: Mapping[str, str], environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """(channel, variable) for each variable a chosen gateway needs and the environment lacks."""
    return [
        (name, variable)
        for name, path in channels.items()
        for variable in REQUIRED_ENV.get(path, ())
        if not environ.get(variable, "").strip()
    ]


def refuse_unchosen_sms_channel(environ: Mapping[str, str]) -> None:
    """Production only: an SMS channel must be named, the logging one included."""
    if not environ.get("NOTIFY_SMS_CHANNEL", "").strip():
        raise ImproperlyConfigured(
            "NOTIFY_SMS_CHANNEL must be set when DEBUG is off: alibaba or tencent to send residents "
            "their SMS, or log to only write them to the log (on purpose: residents then get none)."
        )


def refuse_missing_credentials(channels: Mapping[str, str], environ: Mapping[str, str]) -> None:
    missing = missing_variables(channels, environ)
    if missing:
        name, variable = missing[0]
        raise ImproperlyConfigured(
            f"{variable} must be set: the {name} channel is {channels[name]}. Set it, or choose the "
            f"logging channel on purpose (NOTIFY_{name.upper()}_CHANNEL=log)."
        )
