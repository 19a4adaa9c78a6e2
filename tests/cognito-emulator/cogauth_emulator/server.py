"""Command line: start the patched moto server on 127.0.0.1, seed the demo pools, print them.

    python run.py [--port 0] [--no-seed] [--session-validity 180]
    python run.py --seed-only --endpoint http://127.0.0.1:PORT

stdout carries exactly one line of JSON (after seeding, or {"endpoint": ...} with --no-seed);
everything else, request logs included, goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from . import patches, seed
from .faults import EmulatorApp

HOST = "127.0.0.1"  # never another interface: the emulator has no authentication at all


class EmulatorRequestHandler(MotoRequestHandler):
    """moto's request handler, with the Date header on the emulator's clock (B12).

    http.server adds Date to every response it sends; taking it from patches.now() makes the
    clock_offset_seconds switch shift it together with the TOTP checks."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        return super().date_time_string(patches.now() if timestamp is None else timestamp)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cogauth-emulator",
        description="Strict local Cognito user pools (moto + patches) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument("--no-seed", action="store_true", help="start with no user pool")
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed the demo pools into an already running emulator (--endpoint) and exit",
    )
    parser.add_argument("--endpoint", help="emulator URL for --seed-only")
    parser.add_argument(
        "--session-validity",
        type=float,
        default=patches.DEFAULT_SESSION_VALIDITY_SECONDS,
        metavar="SECONDS",
        help="lifetime of challenge sessions (default %(default)s, as Cognito)",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = parser.parse_args(argv)
    if args.seed_only and not args.endpoint:
        parser.error("--seed-only needs --endpoint")
    if args.session_validity <= 0:
        parser.error("--session-validity must be positive")
    return args


def _print_line(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    if args.seed_only:
        endpoint = args.endpoint.rstrip("/")
        _print_line({**seed.seed(endpoint), **_control_urls(endpoint)})
        return 0

    patches.install()
    app = EmulatorApp(DomainDispatcherApplication(create_backend_app), args.session_validity)
    server = make_server(
        HOST, args.port, app, threaded=True, request_handler=EmulatorRequestHandler
    )
    endpoint = f"http://{HOST}:{server.server_port}"

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, name="emulator", daemon=True)
    serving.start()
    try:
        if args.no_seed:
            description = {"endpoint": endpoint, "region": seed.REGION}
        else:
            description = seed.seed(endpoint)
        _print_line({**description, **_control_urls(endpoint)})
        logging.getLogger("cogauth_emulator").info("serving on %s", endpoint)
        stop.wait()
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    return 0


def _control_urls(endpoint: str) -> dict[str, str]:
    return {
        "faults_url": f"{endpoint}/cogauth-emulator/faults",
        "reset_url": f"{endpoint}/cogauth-emulator/reset",
    }
