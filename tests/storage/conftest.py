import pytest

from tests.s3server import s3_server  # noqa: F401 - the session's S3 server, used by `s3`


@pytest.fixture
def s3(s3_server, settings):  # noqa: F811 - the fixture imported above
    """Media on the S3 store for this test, as settings build it from the environment."""
    from minqing.media import default_storage

    settings.STORAGES = {**settings.STORAGES, "default": default_storage(s3_server.environ())}
    return s3_server
