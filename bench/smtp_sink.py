"""A counting SMTP sink for benchmarks, in its own process (aiosmtpd on 127.0.0.1).

`python -m bench.smtp_sink [--record FILE]` prints its port on the first line, then counts
messages until SIGTERM or SIGINT, and prints {"messages": n, "unique_message_ids": m} as its
last line. With --record, each accepted message appends "recipient<TAB>Message-ID" to FILE
(flushed before the 250 goes back), so another process can follow what arrived.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from notifications.mail_sink import MailSink


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", type=Path, help="append recipient and Message-ID here")
    args = parser.parse_args()
    record = args.record.open("ab") if args.record else None
    sink = MailSink(keep=False, record=record).start()
    print(sink.port, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    sink.stop()
    print(json.dumps({"messages": sink.count, "unique_message_ids": len(sink.ids)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
