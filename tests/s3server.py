"""A real S3 API on loopback (imported by the conftest of the tests that need it): moto in server mode, started for the session, with authentication
on (as a real store: an unsigned request is refused) and one private bucket."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

BUCKET = "minqing-media"


@dataclass
class S3:
    url: str
    access_key: str
    secret_key: str

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(signature_version="s3v4"),
        )

    def environ(self) -> dict[str, str]:
        return {
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_s3() -> tuple[S3, subprocess.Popen]:
    """A moto S3 server of our own on a free loopback port, with its user, key and bucket."""
    import boto3

    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    # The first four calls (the IAM user, its key, its policy, the bucket) need no signature;
    # every later one is checked as S3 checks it.
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "4"}
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        boot = {"endpoint_url": url, "region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
        iam = boto3.client("iam", **boot)
        iam.create_user(UserName="minqing")
        key = iam.create_access_key(UserName="minqing")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="minqing", PolicyName="media", PolicyDocument=json.dumps(policy))
        server = S3(url=url, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
        server.client().create_bucket(Bucket=BUCKET)
    except BaseException:
        stop_s3(process)
        raise
    return server, process


def stop_s3(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def s3_server():
    server, process = start_s3()
    try:
        yield server
    finally:
        stop_s3(process)
