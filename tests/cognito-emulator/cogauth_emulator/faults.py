"""Control endpoints and fault injection, as WSGI middleware in front of moto's server app.

    POST /cogauth-emulator/faults   replace the fault list; optionally set the switches
                                    (session validity, future step, clock offset)
    GET  /cogauth-emulator/faults   current switches, with how many calls each fault has seen
    POST /cogauth-emulator/reset    no faults, default switches, and moto's reset

The JSON is documented in README.md ("Fault switches"). Faults match AWS JSON calls by the
operation in their X-Amz-Target header ("AWSCognitoIdentityProviderService.InitiateAuth").
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from moto.moto_api._internal.models import moto_api_backend

from . import patches

log = logging.getLogger("cogauth_emulator")

PREFIX = "/cogauth-emulator/"
ACTIONS = ("delay", "drop", "lose_reply", "http500", "throttle")
# Farthest the emulator's clock may be shifted: ten years either way.
MAX_CLOCK_OFFSET_SECONDS = 10 * 366 * 24 * 3600

# (status, error type, message) of the injected errors; statuses as Cognito documents them.
_ERRORS = {
    "http500": (
        "500 Internal Server Error",
        "InternalErrorException",
        "Fault injected by cogauth-emulator: internal error",
    ),
    "throttle": ("400 Bad Request", "TooManyRequestsException", "Rate exceeded"),
}

StartResponse = Callable[..., Any]


class BadRequest(ValueError):
    pass


@dataclass
class Fault:
    action: str  # one of ACTIONS
    operation: str | None = None  # e.g. "InitiateAuth"; None matches every operation
    nth: int | None = None  # fire on the nth matching call only (1-based); None: every call
    delay_ms: int = 0  # for "delay"
    calls: int = 0  # matching calls seen since the fault list was set

    @classmethod
    def parse(cls, raw: Any) -> Fault:
        if not isinstance(raw, dict):
            raise BadRequest("each fault must be a JSON object")
        unknown = set(raw) - {"action", "operation", "nth", "delay_ms"}
        if unknown:
            raise BadRequest(f"unknown fault fields: {sorted(unknown)}")
        action, operation = raw.get("action"), raw.get("operation")
        nth, delay_ms = raw.get("nth"), raw.get("delay_ms", 0)
        if action not in ACTIONS:
            raise BadRequest(f"action must be one of {list(ACTIONS)}, not {action!r}")
        if operation is not None and (not isinstance(operation, str) or not operation):
            raise BadRequest("operation must be an operation name such as 'InitiateAuth'")
        if nth is not None and (type(nth) is not int or nth < 1):
            raise BadRequest("nth must be an integer >= 1")
        if type(delay_ms) is not int or delay_ms < 0 or (action == "delay") != (delay_ms > 0):
            raise BadRequest("delay_ms must be a positive integer, and only for 'delay'")
        return cls(action=action, operation=operation, nth=nth, delay_ms=delay_ms)

    def fires(self, operation: str) -> bool:
        """Count a call of `operation` and say whether this fault applies to it."""
        if self.operation not in (None, operation):
            return False
        self.calls += 1
        return self.nth is None or self.calls == self.nth


class EmulatorApp:
    """The WSGI application the server runs: control endpoints, faults, then moto."""

    def __init__(self, moto_app: Callable[..., Iterable[bytes]], session_validity: float):
        self._moto_app = moto_app
        self._default_session_validity = session_validity
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._reset_switches()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self._control(path[len(PREFIX) :], environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            operation = target.rpartition(".")[2]
            with self._lock:
                firing = [fault for fault in self._faults if fault.fires(operation)]
            for fault in firing:
                if fault.action == "delay":
                    time.sleep(fault.delay_ms / 1000)
            for fault in firing:
                if fault.action == "lose_reply":
                    log.info("fault lose_reply: %s runs, its answer is lost", operation)
                    self._run_and_discard(environ)
                    return self._inject("drop", environ, start_response)
                if fault.action != "delay":
                    log.info("fault %s injected into %s", fault.action, operation)
                    return self._inject(fault.action, environ, start_response)
        return self._moto_app(environ, start_response)

    def _run_and_discard(self, environ: dict[str, Any]) -> None:
        """Run the call through moto to its end (every state change included) and throw the
        answer away: what a server does whose reply is lost on the way back."""

        def discard(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            return lambda data: None

        body = self._moto_app(environ, discard)
        try:
            for _ in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    # --- control endpoints ------------------------------------------------------------------

    def _control(self, name: str, environ: dict[str, Any], start_response: StartResponse):
        method = environ.get("REQUEST_METHOD")
        try:
            if name == "faults" and method == "GET":
                return _json(start_response, "200 OK", self._state())
            if name == "faults" and method == "POST":
                self._configure(_read_json(environ))
                return _json(start_response, "200 OK", self._state())
            if name == "reset" and method == "POST":
                self.reset()
                return _json(start_response, "200 OK", self._state())
        except BadRequest as error:
            return _json(start_response, "400 Bad Request", {"error": str(error)})
        return _json(
            start_response,
            "404 Not Found",
            {"error": "use GET/POST faults or POST reset under " + PREFIX},
        )

    def _configure(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        unknown = set(body) - {
            "faults",
            "session_validity_seconds",
            "accept_future_step",
            "clock_offset_seconds",
        }
        if unknown:
            raise BadRequest(f"unknown fields: {sorted(unknown)}")
        faults = body.get("faults", [])
        if not isinstance(faults, list):
            raise BadRequest("faults must be a list")
        parsed = [Fault.parse(raw) for raw in faults]
        validity = body.get("session_validity_seconds")
        if validity is not None and (not _is_number(validity) or validity <= 0):
            raise BadRequest("session_validity_seconds must be a positive number")
        future = body.get("accept_future_step")
        if future is not None and type(future) is not bool:
            raise BadRequest("accept_future_step must be true or false")
        offset = body.get("clock_offset_seconds")
        if offset is not None and (
            not _is_number(offset) or abs(offset) > MAX_CLOCK_OFFSET_SECONDS
        ):
            raise BadRequest(
                f"clock_offset_seconds must be a number within ±{MAX_CLOCK_OFFSET_SECONDS}"
            )
        with self._lock:
            self._faults = parsed
            # Each switch applies from now on (validity: to sessions issued from now on).
            if validity is not None:
                patches.settings.session_validity_seconds = float(validity)
            if future is not None:
                patches.settings.accept_future_step = future
            if offset is not None:
                patches.settings.clock_offset_seconds = float(offset)

    def reset(self) -> None:
        with self._lock:
            self._faults = []
            self._reset_switches()
        moto_api_backend.reset()  # what POST /moto-api/reset does

    def _reset_switches(self) -> None:
        patches.settings.session_validity_seconds = self._default_session_validity
        patches.settings.accept_future_step = False
        patches.settings.clock_offset_seconds = 0.0

    def _state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "faults": [asdict(fault) for fault in self._faults],
                "session_validity_seconds": patches.settings.session_validity_seconds,
                "accept_future_step": patches.settings.accept_future_step,
                "clock_offset_seconds": patches.settings.clock_offset_seconds,
            }

    # --- injected faults --------------------------------------------------------------------

    @staticmethod
    def _inject(action: str, environ: dict[str, Any], start_response: StartResponse):
        if action == "drop":
            # Close our side before any byte of a response: the client sees the connection
            # end without an answer. Werkzeug's write then fails with BrokenPipeError, which it
            # treats as a connection the client dropped.
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            start_response("500 Internal Server Error", [])
            return [b""]
        status, error_type, message = _ERRORS[action]
        body = json.dumps({"__type": error_type, "message": message}).encode()
        start_response(
            status,
            [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", str(len(body))),
                ("x-amzn-ErrorType", error_type),
                ("x-amzn-RequestId", str(uuid.uuid4())),
            ],
        )
        return [body]


def _is_number(value: Any) -> bool:
    """A finite JSON number (bool is an int subclass in Python, and not a number here)."""
    return type(value) in (int, float) and math.isfinite(value)


def _read_json(environ: dict[str, Any]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError as error:  # also json.JSONDecodeError
        raise BadRequest(f"body is not JSON: {error}") from None


def _json(start_response: StartResponse, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
