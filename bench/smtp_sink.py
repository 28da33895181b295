"""A counting SMTP sink for benchmarks, in its own process (aiosmtpd on 127.0.0.1).

`python -m bench.smtp_sink` prints its port on the first line, then counts messages until
SIGTERM or SIGINT, and prints {"messages": n, "unique_message_ids": m} as its last line.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.ids: set[bytes] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.count += 1
        head = envelope.content[:4096]
        found = _MESSAGE_ID.search(head)
        self.ids.add(found.group(1) if found else b"?%d" % self.count)
        return "250 OK"


def main() -> None:
    counter = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print(controller.port, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(json.dumps({"messages": counter.count, "unique_message_ids": len(counter.ids)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
