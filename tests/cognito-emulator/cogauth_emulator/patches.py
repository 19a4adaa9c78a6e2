"""The patch layer over moto's Cognito user pools (moto.cognitoidp, version pinned in
requirements.txt because everything here leans on its internals).

install() replaces five methods of moto's CognitoIdpBackend and extends two constructors.
Each patch names the gap it closes; the gaps are numbered as in README.md ("Gaps").

moto internals relied on (re-check them when moving the pin):
- CognitoIdpBackend.sessions: {session: (username, pool)}, read by moto's own
  respond_to_auth_challenge and by RegionAgnosticBackend to pick the backend of a session;
- CognitoIdpUser.token_verified / software_token_mfa_enabled / preferred_mfa_setting / password;
- CognitoIdpUserPool.mfa_config, token_mfa_config, sms_mfa_config, clients, _get_user,
  access_tokens / id_tokens / refresh_tokens;
- CognitoIdpUserPoolClient.generate_secret, secret, extended_config["ExplicitAuthFlows"];
- moto's respond_to_auth_challenge branches, which still do the parts it gets right (password
  change, token minting, which challenge follows the password step).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import struct
import time
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp import models as cognito
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedError,
    UserNotConfirmedException,
)
from moto.cognitoidp.utils import check_secret_hash
from moto.core.exceptions import JsonRESTError

from . import srp

log = logging.getLogger("cogauth_emulator")

# Wording of real Cognito answers, so clients that show or match them behave the same.
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
USED_SESSION = "Invalid session for the user, session can only be used once."
BAD_PASSWORD = "Incorrect username or password."
VERIFY_MISMATCH = "Code mismatch and fail enable Software Token MFA"
MFA_MISMATCH = "Invalid code or auth state for the user."
CODE_REUSED = "Your software token has already been used once."

DEFAULT_SESSION_VALIDITY_SECONDS = 180.0  # Cognito's default: 3 minutes
TOTP_STEP_SECONDS = 30


@dataclass
class Settings:
    """Runtime switches; the fault endpoint (faults.py) changes them."""

    session_validity_seconds: float = DEFAULT_SESSION_VALIDITY_SECONDS


settings = Settings()


class EnableSoftwareTokenMFAException(JsonRESTError):
    def __init__(self, message: str):
        super().__init__("EnableSoftwareTokenMFAException", message)


# --- TOTP (gaps 1 and 2) -------------------------------------------------------------------


@dataclass
class TotpState:
    """Per-user software token, attached to every moto user as `cogauth_totp`.

    Cognito keeps the verified token until a new one is verified ("Amazon Cognito disassociates
    an existing software token when you verify the new token"), so an Associate that is never
    verified must not lock the user out: hence a pending and a verified secret.
    """

    pending_secret: str | None = None  # from the latest AssociateSoftwareToken
    secret: str | None = None  # verified; SOFTWARE_TOKEN_MFA answers are checked against it
    last_used_step: int = -1  # time step of the last accepted code, to refuse its reuse


def new_totp_secret() -> str:
    """160 random bits as 32 base32 characters (no padding needed: 20 bytes = 32 chars)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_code(secret: str, step: int) -> str:
    """RFC 6238 with Cognito's parameters: HMAC-SHA1, 6 digits, 30 s steps."""
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def _matching_step(secret: str, code: Any) -> int | None:
    """The time step (now, one before or one after) whose code equals `code`, if any."""
    if not isinstance(code, str):
        return None
    now = int(time.time()) // TOTP_STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp_code(secret, step).encode(), code.encode()):
            return step
    return None


# --- Challenge sessions (gap 6) ------------------------------------------------------------


@dataclass
class ChallengeSession:
    username: str  # moto's internal username
    pool: cognito.CognitoIdpUserPool
    client_id: str
    challenge: str  # the only challenge (or MFA_SETUP step) this session may be used for
    expires_at: float
    srp_challenge: srp.Challenge | None = None  # PASSWORD_VERIFIER sessions only
    mfa_verified: bool = False  # issued by a successful VerifySoftwareToken
    used: bool = False


def _issue(
    backend: cognito.CognitoIdpBackend,
    username: str,
    pool: cognito.CognitoIdpUserPool,
    client_id: str,
    challenge: str,
    token: str | None = None,
    **extra: Any,
) -> str:
    token = token or secrets.token_urlsafe(96)  # 128 characters; Cognito allows 20 to 2048
    backend.sessions[token] = (username, pool)  # moto's code paths look sessions up here
    backend.cogauth_sessions[token] = ChallengeSession(
        username=username,
        pool=pool,
        client_id=client_id,
        challenge=challenge,
        expires_at=time.monotonic() + settings.session_validity_seconds,
        **extra,
    )
    return token


def _live(
    backend: cognito.CognitoIdpBackend, token: Any, challenge: str, client_id: str | None = None
) -> ChallengeSession:
    """The session `token` if it may be used now for `challenge`, else NotAuthorizedException."""
    session = backend.cogauth_sessions.get(token) if isinstance(token, str) else None
    if session is None:
        raise NotAuthorizedError(INVALID_SESSION)
    if session.used:
        raise NotAuthorizedError(USED_SESSION)
    if time.monotonic() > session.expires_at:
        backend.sessions.pop(token, None)
        raise NotAuthorizedError(EXPIRED_SESSION)
    if session.challenge != challenge or (client_id and client_id != session.client_id):
        raise NotAuthorizedError(INVALID_SESSION)
    return session


def _consume(backend: cognito.CognitoIdpBackend, token: str) -> None:
    backend.cogauth_sessions[token].used = True
    backend.sessions.pop(token, None)


def _reissue(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client_id: str,
    username: str,
    result: dict[str, Any],
) -> dict[str, Any]:
    """Give a challenge answer a fresh session of ours instead of moto's reusable one (gap 6),
    and send MFAS_CAN_SETUP as the JSON text Cognito sends, not a Python list (gap 5)."""
    if "ChallengeName" not in result:
        return result
    stale = result.get("Session")
    if stale:
        backend.sessions.pop(stale, None)
    parameters = result.setdefault("ChallengeParameters", {})
    if isinstance(parameters.get("MFAS_CAN_SETUP"), list):
        parameters["MFAS_CAN_SETUP"] = json.dumps(parameters["MFAS_CAN_SETUP"])
    result["Session"] = _issue(backend, username, pool, client_id, result["ChallengeName"])
    return result


# --- Checks shared by the patched operations -----------------------------------------------


def _find_client(
    backend: cognito.CognitoIdpBackend, client_id: str
) -> tuple[cognito.CognitoIdpUserPool | None, cognito.CognitoIdpUserPoolClient | None]:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    return None, None


# ExplicitAuthFlows values (current and legacy names) that permit each flow; without the
# setting Cognito allows SRP, custom auth and refresh only (gap 8).
_FLOW_PERMITTED_BY = {
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
}
_DEFAULT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
_PASSWORD_FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")


def _check_auth_flow(client: cognito.CognitoIdpUserPoolClient, flow: str) -> None:
    allowed = set(client.extended_config.get("ExplicitAuthFlows") or _DEFAULT_FLOWS)
    permitted_by = _FLOW_PERMITTED_BY.get(flow)
    if permitted_by and not permitted_by & allowed:
        raise InvalidParameterException(f"{flow} flow not enabled for this client")


def _check_secret_hash(
    client: cognito.CognitoIdpUserPoolClient, username: Any, secret_hash: Any
) -> None:
    """SECRET_HASH on every password step and challenge answer of a client with a secret
    (gap 8: moto skips it on USER_PASSWORD_AUTH and on most challenge answers)."""
    if not client.generate_secret:
        return
    if not secret_hash:
        raise NotAuthorizedError(
            f"Client {client.id} is configured with secret but SECRET_HASH was not received"
        )
    if not check_secret_hash(client.secret, client.id, str(username or ""), secret_hash):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")


def _mfas_can_setup(pool: cognito.CognitoIdpUserPool) -> list[str]:
    kinds = []
    if pool.token_mfa_config == {"Enabled": True}:
        kinds.append("SOFTWARE_TOKEN_MFA")
    if pool.sms_mfa_config:
        kinds.append("SMS_MFA")
    return kinds


def _after_password(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client_id: str,
    username: str,
    result: dict[str, Any],
) -> dict[str, Any]:
    """Gap 3: a pool with MFA ON never hands tokens to a user without a verified software
    token after a password step; Cognito answers MFA_SETUP. moto only does so after SRP."""
    user = backend.admin_get_user(pool.id, username)
    tokens = result.get("AuthenticationResult")
    if tokens and pool.mfa_config == "ON" and not user.token_verified:
        pool.access_tokens.pop(tokens.get("AccessToken"), None)
        pool.id_tokens.pop(tokens.get("IdToken"), None)
        pool.refresh_tokens.pop(tokens.get("RefreshToken"), None)
        result = {
            "ChallengeName": "MFA_SETUP",
            "ChallengeParameters": {"MFAS_CAN_SETUP": _mfas_can_setup(pool)},
        }
    return _reissue(backend, pool, client_id, user.username, result)


def _user_for_access_token(backend: cognito.CognitoIdpBackend, token: Any) -> Any:
    for pool in backend.user_pools.values():
        if isinstance(token, str) and token in pool.access_tokens:
            _, username = pool.access_tokens[token]
            return backend.admin_get_user(pool.id, username)
    raise NotAuthorizedError("Invalid Access Token")


# --- The patched CognitoIdpBackend methods -------------------------------------------------

_original: dict[str, Any] = {}


def initiate_auth(
    self: cognito.CognitoIdpBackend,
    client_id: str,
    auth_flow: str,
    auth_parameters: dict[str, str],
) -> dict[str, Any]:
    """Gaps 3, 6, 7, 8: real SRP, SECRET_HASH and ExplicitAuthFlows, MFA_SETUP, sessions."""
    pool, client = _find_client(self, client_id)
    if client is None:  # moto raises the not-found error
        return _original["initiate_auth"](self, client_id, auth_flow, auth_parameters)
    parameters = auth_parameters or {}
    _check_auth_flow(client, auth_flow)
    if auth_flow in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH"):
        _check_secret_hash(client, parameters.get("USERNAME"), parameters.get("SECRET_HASH"))
    if auth_flow == "USER_SRP_AUTH":
        return _start_srp(self, pool, client, parameters)
    result = _original["initiate_auth"](self, client_id, auth_flow, auth_parameters)
    if auth_flow == "USER_PASSWORD_AUTH":
        return _after_password(self, pool, client_id, parameters["USERNAME"], result)
    return result


def _start_srp(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client: cognito.CognitoIdpUserPoolClient,
    parameters: dict[str, str],
) -> dict[str, Any]:
    """Gap 7: a real B, salt and random SECRET_BLOCK. The SECRET_BLOCK is also the key of the
    PASSWORD_VERIFIER session, since clients answer without a Session (pycognito does)."""
    srp_a = parameters.get("SRP_A")
    if not srp_a:
        raise InvalidParameterException("Missing required parameter SRP_A")
    user = backend.admin_get_user(pool.id, parameters.get("USERNAME"))
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status is cognito.UserStatus.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    try:
        challenge = srp.start(pool.id, user.username, str(user.password), srp_a)
    except ValueError:
        raise InvalidParameterException("SRP_A is not a valid SRP public value") from None
    parameters_out = dict(challenge.parameters, USERNAME=user.username)
    _issue(
        backend,
        user.username,
        pool,
        client.id,
        "PASSWORD_VERIFIER",
        token=parameters_out["SECRET_BLOCK"],
        srp_challenge=challenge,
    )
    return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": parameters_out}


def admin_initiate_auth(
    self: cognito.CognitoIdpBackend,
    user_pool_id: str,
    client_id: str,
    auth_flow: str,
    auth_parameters: dict[str, str],
) -> dict[str, Any]:
    """Gaps 3, 6, 8 for the admin password flow, so its sessions work with the patched
    RespondToAuthChallenge."""
    pool = self.describe_user_pool(user_pool_id)
    client = pool.clients.get(client_id)
    parameters = auth_parameters or {}
    if client is not None:
        _check_auth_flow(client, auth_flow)
        if auth_flow in _PASSWORD_FLOWS:
            _check_secret_hash(client, parameters.get("USERNAME"), parameters.get("SECRET_HASH"))
    result = _original["admin_initiate_auth"](
        self, user_pool_id, client_id, auth_flow, auth_parameters
    )
    if auth_flow in _PASSWORD_FLOWS:
        return _after_password(self, pool, client_id, parameters["USERNAME"], result)
    return result


def respond_to_auth_challenge(
    self: cognito.CognitoIdpBackend,
    session: str,
    client_id: str,
    challenge_name: str,
    challenge_responses: dict[str, str],
) -> dict[str, Any]:
    """Gaps 2, 4, 6, 7, 8. A session is spent only by a successful answer: Cognito lets a user
    retry a mistyped code on the same session. A failed SRP claim spends it (one attempt)."""
    pool, client = _find_client(self, client_id)
    if client is None:  # moto raises the not-found error
        return _original["respond_to_auth_challenge"](
            self, session, client_id, challenge_name, challenge_responses
        )
    responses = challenge_responses or {}
    if challenge_name == "PASSWORD_VERIFIER":
        token = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    else:
        token = session
    current = _live(self, token, challenge_name, client.id)
    username = responses.get("USERNAME")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    user = pool._get_user(username)
    if user is None or user.username != current.username:
        raise NotAuthorizedError(INVALID_SESSION)
    _check_secret_hash(client, username, responses.get("SECRET_HASH"))

    if challenge_name == "PASSWORD_VERIFIER":
        _check_password_claim(self, current, token, responses)
    accepted_step = None
    if challenge_name == "SOFTWARE_TOKEN_MFA":
        accepted_step = _check_mfa_code(user, responses.get("SOFTWARE_TOKEN_MFA_CODE"))
    if challenge_name == "MFA_SETUP" and not (current.mfa_verified and user.token_verified):
        # Gap 4: only the Session returned by a successful VerifySoftwareToken completes
        # MFA_SETUP (Cognito's documented sequence); an Associate session cannot.
        raise NotAuthorizedError(INVALID_SESSION)

    result = _original["respond_to_auth_challenge"](
        self, token, client.id, challenge_name, responses
    )
    _consume(self, token)
    if accepted_step is not None:
        user.cogauth_totp.last_used_step = accepted_step
    if challenge_name in ("PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"):
        return _after_password(self, pool, client.id, user.username, result)
    return _reissue(self, pool, client.id, user.username, result)


def _check_password_claim(
    backend: cognito.CognitoIdpBackend,
    current: ChallengeSession,
    token: str,
    responses: dict[str, str],
) -> None:
    """Gap 7: verify PASSWORD_CLAIM_SIGNATURE against the password."""
    timestamp = responses.get("TIMESTAMP") or ""
    signature = responses.get("PASSWORD_CLAIM_SIGNATURE") or ""
    if not srp.timestamp_is_valid(timestamp):
        # Answered like a wrong password, as by a server that signs its own rendering of the
        # time (Cognito's exact answer here is not documented); the log says what is wrong.
        log.warning(
            "PASSWORD_VERIFIER refused: TIMESTAMP %r is not like %r",
            timestamp,
            "Tue Nov 8 01:02:03 UTC 2026",
        )
    elif srp.signature_is_valid(current.srp_challenge, timestamp, signature):
        return
    _consume(backend, token)
    raise NotAuthorizedError(BAD_PASSWORD)


def _check_mfa_code(user: Any, code: Any) -> int:
    """Gap 2 for SOFTWARE_TOKEN_MFA. Returns the accepted time step.

    A code whose step is not after the last accepted one (Verify included) is refused with
    ExpiredCodeException "Your software token has already been used once.", which is what
    Cognito answers (RFC 6238 section 5.2 asks verifiers to refuse a second use). The code
    itself is correct, so CodeMismatchException would mislead a client into blaming the secret.
    """
    totp = user.cogauth_totp
    step = _matching_step(totp.secret, code) if totp.secret else None
    if step is None:
        raise CodeMismatchException(MFA_MISMATCH)
    if step <= totp.last_used_step:
        raise ExpiredCodeException(CODE_REUSED)
    return step


def associate_software_token(
    self: cognito.CognitoIdpBackend, access_token: str, session: str
) -> dict[str, str]:
    """Gap 1: a fresh random secret per call, replacing the pending one; gap 6 for sessions.
    With a Session, the answer carries a new Session and the old one is spent."""
    if session:
        current = _live(self, session, "MFA_SETUP")
        user = self.admin_get_user(current.pool.id, current.username)
    else:
        user = _user_for_access_token(self, access_token)
    user.cogauth_totp.pending_secret = new_totp_secret()
    result = {"SecretCode": user.cogauth_totp.pending_secret}
    if session:
        _consume(self, session)
        result["Session"] = _issue(
            self, current.username, current.pool, current.client_id, "MFA_SETUP"
        )
    return result


def verify_software_token(
    self: cognito.CognitoIdpBackend,
    access_token: str,
    session: str,
    user_code: str,
    friendly_device_name: str,
) -> dict[str, str]:
    """Gap 2: the code must match the pending secret (one step of skew either way); a wrong
    code raises EnableSoftwareTokenMFAException as Cognito does. Gap 6 for sessions."""
    if session:
        current = _live(self, session, "MFA_SETUP")
        user = self.admin_get_user(current.pool.id, current.username)
    else:
        user = _user_for_access_token(self, access_token)
    totp = user.cogauth_totp
    if totp.pending_secret is None:
        raise EnableSoftwareTokenMFAException(
            "No software token to verify: call AssociateSoftwareToken first"
        )
    step = _matching_step(totp.pending_secret, user_code)
    if step is None:
        raise EnableSoftwareTokenMFAException(VERIFY_MISMATCH)
    totp.secret, totp.pending_secret, totp.last_used_step = totp.pending_secret, None, step
    user.token_verified = True
    if not session:
        return {"Status": "SUCCESS"}
    _consume(self, session)
    new_session = _issue(
        self, current.username, current.pool, current.client_id, "MFA_SETUP", mfa_verified=True
    )
    return {"Status": "SUCCESS", "Session": new_session}


# --- Installation ----------------------------------------------------------------------------

_PATCHED_METHODS = {
    "initiate_auth": initiate_auth,
    "admin_initiate_auth": admin_initiate_auth,
    "respond_to_auth_challenge": respond_to_auth_challenge,
    "associate_software_token": associate_software_token,
    "verify_software_token": verify_software_token,
}


def _backend_init(self: cognito.CognitoIdpBackend, *args: Any, **kwargs: Any) -> None:
    _original["backend_init"](self, *args, **kwargs)
    # Side table of our session metadata. moto's reset re-runs __init__, so it is cleared too.
    self.cogauth_sessions = {}


def _user_init(self: cognito.CognitoIdpUser, *args: Any, **kwargs: Any) -> None:
    _original["user_init"](self, *args, **kwargs)
    self.cogauth_totp = TotpState()


def install() -> None:
    """Apply the patches (idempotent). Call before the first Cognito request."""
    if _original:
        return
    # moto's own TOTP check uses its constant secret; it would refuse every real code after
    # our checks have passed (gap 2). Off means moto leaves code checking to us.
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "false"
    backend_cls, user_cls = cognito.CognitoIdpBackend, cognito.CognitoIdpUser
    _original["backend_init"] = backend_cls.__init__
    _original["user_init"] = user_cls.__init__
    backend_cls.__init__ = _backend_init
    user_cls.__init__ = _user_init
    for name, replacement in _PATCHED_METHODS.items():
        _original[name] = getattr(backend_cls, name)
        setattr(backend_cls, name, replacement)
