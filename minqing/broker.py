"""kombu's filesystem transport, with whole-file writes.

kombu 5.7 creates a message file and only then writes into it, while a consumer lists the
folder and reads without taking the lock; a poll that lands in between reads an empty message
and the worker dies with "Unrecoverable error: JSONDecodeError" (kombu issue #1551). Here a
message is written under a name the consumer ignores and renamed into place, so it appears
whole. Used only for the embedded default (no REDIS_URL).
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".part"  # does not end in ".msg": _get passes it over
        try:
            with open(partial, "wb") as f:
                f.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
