"""Where photos (and other uploaded media) are kept: local disk (MEDIA_ROOT) by default, or any
S3-compatible store (阿里云 OSS, 腾讯云 COS, MinIO, AWS) through django-storages when
AWS_STORAGE_BUCKET_NAME is set — then every web and worker machine shares the same media.

The bucket must be private. Files are never public: storage.url() gives a signed URL that
expires after AWS_QUERYSTRING_EXPIRE seconds (300), and residents' photos are served through a
view that checks who asks and streams storage.open(). No Django import here (settings use it)."""

from collections.abc import Mapping


def default_storage(environ: Mapping[str, str]) -> dict:
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,  # signed URLs only
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
        "file_overwrite": False,
        "signature_version": "s3v4",
        "location": environ.get("AWS_LOCATION", ""),
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "virtual" for OSS
        "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
