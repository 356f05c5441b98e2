"""The embedded broker writes each message whole, so a consumer never reads a partial file."""

import os

import pytest
from kombu import Connection

from minqing.broker import Transport


@pytest.fixture
def connection(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
    with Connection("filesystem://", transport="minqing.broker:Transport", transport_options=options) as conn:
        yield conn, folders["queue"]


def test_the_app_uses_the_whole_file_transport_when_no_redis_is_set(settings):
    if settings.REDIS_URL:
        pytest.skip("Redis is the broker in this run")
    from minqing.celery import app

    with app.connection_for_write() as conn:
        assert isinstance(conn.transport, Transport)


def test_a_message_appears_whole_and_is_read_back(connection):
    conn, folder = connection
    queue = conn.SimpleQueue("whole")
    queue.put({"issue_id": 42})
    names = os.listdir(folder)
    assert len(names) == 1 and names[0].endswith(".whole.msg")
    assert queue.get(timeout=1).payload == {"issue_id": 42}
    queue.close()


def test_a_file_being_written_is_passed_over(connection):
    conn, folder = connection
    (folder / "1_partial.whole.msg.part").write_bytes(b'{"half')
    queue = conn.SimpleQueue("whole")
    with pytest.raises(queue.Empty):
        queue.get(timeout=0.2)
    queue.close()
