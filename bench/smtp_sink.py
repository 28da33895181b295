"""A counting SMTP sink for benchmarks, in its own process (aiosmtpd on 127.0.0.1).

`python -m bench.smtp_sink [--record FILE]` prints its port on the first line, then counts
messages until SIGTERM or SIGINT, and prints {"messages": n, "unique_message_ids": m} as its
last line. With --record, each accepted message appends "recipient<TAB>Message-ID" to FILE
(flushed before the 250 goes back), so another process can follow what arrived.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import BinaryIO

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Counter:
    def __init__(self, record: BinaryIO | None = None) -> None:
        self.count = 0
        self.ids: set[bytes] = set()
        self.record = record

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.count += 1
        head = envelope.content[:4096]
        found = _MESSAGE_ID.search(head)
        mid = found.group(1) if found else b"?%d" % self.count
        self.ids.add(mid)
        if self.record is not None:
            rcpt = ",".join(envelope.rcpt_tos).encode()
            self.record.write(rcpt + b"\t" + mid + b"\n")
            self.record.flush()
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", type=Path, help="append recipient and Message-ID here")
    args = parser.parse_args()
    counter = Counter(args.record.open("ab") if args.record else None)
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
