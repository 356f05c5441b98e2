"""Local fake providers (127.0.0.1, a free port): each checks a request as its provider documents
it and answers with the provider's own success or error bodies, or not in time."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Fake:
    """Answers are taken in turn (the last one repeats): (status, body dict, delay in seconds)."""

    check: object  # (Seen) -> str | None: the problem with the request, if any
    answers: list[tuple[int, dict, float]]
    seen: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    url: str = ""


@contextmanager
def serve(fake: Fake) -> Iterator[Fake]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen = Seen(
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            fake.seen.append(seen)
            problem = fake.check(seen)
            if problem:
                fake.problems.append(problem)
            status, answer, delay = fake.answers[min(len(fake.seen), len(fake.answers)) - 1]
            if delay:
                time.sleep(delay)
            payload = json.dumps(answer, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


# --- Alibaba Cloud: ACS3-HMAC-SHA256 (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature)


def acs3_problem(seen: Seen, *, key_id: str, secret: str) -> str | None:
    auth = seen.headers.get("authorization", "")
    if not auth.startswith("ACS3-HMAC-SHA256 "):
        return f"not an ACS3 signature: {auth!r}"
    fields = dict(part.split("=", 1) for part in auth.removeprefix("ACS3-HMAC-SHA256 ").split(","))
    if fields.get("Credential") != key_id:
        return "wrong access key id"
    signed = fields["SignedHeaders"].split(";")
    if not {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce"} <= set(signed):
        return f"headers left unsigned: {signed}"
    payload_hash = hashlib.sha256(seen.body).hexdigest()
    if seen.headers.get("x-acs-content-sha256") != payload_hash:
        return "x-acs-content-sha256 is not the body's hash"
    query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in sorted(seen.query.items()))
    headers = "".join(f"{name}:{seen.headers.get(name, '').strip()}\n" for name in signed)
    canonical = f"POST\n{seen.path}\n{query}\n{headers}\n{';'.join(signed)}\n{payload_hash}"
    to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    if fields.get("Signature") != expected:
        return "signature does not match"
    if (seen.headers.get("x-acs-action"), seen.headers.get("x-acs-version")) != ("SendSms", "2017-05-25"):
        return "not SendSms 2017-05-25"
    return None


ALIBABA_OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5-B967-440B"}
ALIBABA_LIMITED = {
    "Code": "isv.BUSINESS_LIMIT_CONTROL",
    "Message": "触发分钟级流控Permits:1",
    "RequestId": "A90E4451-FED7-49D2-87C8-00700A8C4D0D",
}
ALIBABA_BAD_KEY = {
    "Code": "InvalidAccessKeyId.NotFound",
    "Message": "Specified access key is not found.",
    "RequestId": "B7C2A0C7-1A4B-5E42",
}


# --- Tencent Cloud: TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072)


def tc3_problem(seen: Seen, *, secret_id: str, secret_key: str, service: str = "sms") -> str | None:
    auth = seen.headers.get("authorization", "")
    if not auth.startswith("TC3-HMAC-SHA256 "):
        return f"not a TC3 signature: {auth!r}"
    fields = dict(part.strip().split("=", 1) for part in auth.removeprefix("TC3-HMAC-SHA256 ").split(","))
    credential = fields["Credential"].split("/")
    if credential[0] != secret_id or credential[2:] != [service, "tc3_request"]:
        return f"wrong credential scope: {credential}"
    date = credential[1]
    timestamp = seen.headers.get("x-tc-timestamp", "")
    if time.strftime("%Y-%m-%d", time.gmtime(int(timestamp))) != date:
        return "the date is not the timestamp's"
    signed = fields["SignedHeaders"].split(";")
    if not {"content-type", "host"} <= set(signed):
        return f"headers left unsigned: {signed}"
    headers = "".join(f"{name}:{seen.headers.get(name, '').strip().lower()}\n" for name in signed)
    canonical = f"POST\n/\n\n{headers}\n{';'.join(signed)}\n{hashlib.sha256(seen.body).hexdigest()}"
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret_key).encode(), date), service), "tc3_request")
    if fields.get("Signature") != hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest():
        return "signature does not match"
    if (seen.headers.get("x-tc-action"), seen.headers.get("x-tc-version")) != ("SendSms", "2021-01-11"):
        return "not SendSms 2021-01-11"
    return None


def tencent_ok(phone: str) -> dict:
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": phone,
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def tencent_limited(phone: str) -> dict:
    answer = tencent_ok(phone)
    answer["Response"]["SendStatusSet"][0].update(
        Code="LimitExceeded.PhoneNumberThirtySecondLimit",
        Message="the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit",
        Fee=0,
    )
    return answer


TENCENT_AUTH_FAILURE = {
    "Response": {
        "Error": {
            "Code": "AuthFailure.SignatureFailure",
            "Message": "The provided credentials could not be validated.",
        },
        "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6",
    }
}


# --- Group robots: WeCom and DingTalk answer {"errcode": 0, "errmsg": "ok"} on success


ROBOT_OK = {"errcode": 0, "errmsg": "ok"}
WECOM_BAD_KEY = {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_abc]"}
DINGTALK_SIGN_MISMATCH = {
    "errcode": 310000,
    "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
}
