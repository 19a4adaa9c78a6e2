"""The patch layer over moto's Cognito user pools (moto.cognitoidp, version pinned in
requirements.txt because everything here leans on its internals).

install() replaces seven methods of moto's CognitoIdpBackend, extends two constructors and
CognitoIdpUser.to_json, and turns two CognitoIdpUser fields into views (see
_HiddenWhileSuspended). Each patch names the gap it closes; the gaps are numbered as in
README.md ("Gaps"), the behaviours added on top of them as in README.md ("Cognito behaviours
modelled", B1 to B12).

moto internals relied on (re-check them when moving the pin):
- CognitoIdpBackend.sessions: {session: (username, pool)}, read by moto's own
  respond_to_auth_challenge and by RegionAgnosticBackend to pick the backend of a session;
- CognitoIdpBackend._validate_password (called by SignUp, ChangePassword,
  AdminSetUserPassword and moto's NEW_PASSWORD_REQUIRED branch);
- CognitoIdpUser.token_verified / software_token_mfa_enabled / preferred_mfa_setting /
  password / attribute_lookup / update_attributes, and to_json's PreferredMfaSetting;
- CognitoIdpUserPool.mfa_config, token_mfa_config, sms_mfa_config, clients, _get_user,
  schema_attributes (with .required), extended_config["Policies"],
  access_tokens / id_tokens / refresh_tokens;
- CognitoIdpUserPoolClient.generate_secret, secret, extended_config["ExplicitAuthFlows"] and
  extended_config["PreventUserExistenceErrors"] (moto keeps every CreateUserPoolClient
  parameter there);
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
import string
import struct
import time
import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from moto.cognitoidp import models as cognito
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotConfirmedException,
    UserNotFoundError,
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
USER_NOT_FOUND = "User does not exist."
VERIFY_MISMATCH = "Code mismatch and fail enable Software Token MFA"
MFA_MISMATCH = "Invalid code or auth state for the user."
CODE_REUSED = "Your software token has already been used once."
TOTP_NOT_ENABLED = "Software Token MFA is not enabled for the user pool."  # wording chosen (B8)
# InvalidPasswordException prefixes: SignUp's as Cognito's clients match it, the other
# operations' (RespondToAuthChallenge NEW_PASSWORD_REQUIRED, ChangePassword, ...) likewise (B7).
SIGN_UP_POLICY = "Password did not conform with policy: "
POLICY = "Password does not conform to policy: "

DEFAULT_SESSION_VALIDITY_SECONDS = 180.0  # Cognito's default: 3 minutes
TOTP_STEP_SECONDS = 30
# What USER_AUTH offers a user with a password (B11), in the order SELECT_CHALLENGE lists it.
USER_AUTH_CHALLENGES = ("PASSWORD_SRP", "PASSWORD")


@dataclass
class Settings:
    """Runtime switches; the fault endpoint (faults.py) changes them."""

    session_validity_seconds: float = DEFAULT_SESSION_VALIDITY_SECONDS
    accept_future_step: bool = False  # also accept the next step's code (B1: off = Cognito)
    clock_offset_seconds: float = 0.0  # added to the host clock: code checks, Date (B12)


settings = Settings()


def now() -> float:
    """The emulator's wall clock (Unix seconds): the host's, shifted by clock_offset_seconds.

    Used for TOTP checks and the HTTP Date header; session lifetimes use time.monotonic()
    and are not shifted."""
    return time.time() + settings.clock_offset_seconds


class EnableSoftwareTokenMFAException(JsonRESTError):
    def __init__(self, message: str):
        super().__init__("EnableSoftwareTokenMFAException", message)


class SoftwareTokenMFANotFoundException(JsonRESTError):
    def __init__(self, message: str):
        super().__init__("SoftwareTokenMFANotFoundException", message)


class InvalidPasswordError(JsonRESTError):
    """InvalidPasswordException naming the broken rule (moto's has one fixed message)."""

    def __init__(self, reason: str, prefix: str = POLICY):
        super().__init__("InvalidPasswordException", prefix + reason)
        self.reason = reason


# --- TOTP (gaps 1 and 2, B1 to B3) -----------------------------------------------------------


@dataclass
class TotpState:
    """Per-user software token, attached to every moto user as `cogauth_totp`.

    AssociateSoftwareToken only sets a pending secret; VerifySoftwareToken makes it the
    verified one. While a user with a verified token has a pending one, that user is
    *suspended* (B3): sign-in does not ask for SOFTWARE_TOKEN_MFA and GetUser does not list
    it, as the AssociateSoftwareToken API reference describes.
    """

    pending_secret: str | None = None  # from the latest AssociateSoftwareToken
    secret: str | None = None  # verified; SOFTWARE_TOKEN_MFA answers are checked against it
    last_used_step: int = -1  # time step of the last accepted code, to refuse its reuse

    @property
    def suspended(self) -> bool:
        return self.secret is not None and self.pending_secret is not None


class _HiddenWhileSuspended:
    """Data descriptor that replaces one of moto's boolean user fields (token_verified,
    software_token_mfa_enabled): the stored value, but False while the user's token is
    suspended (B3). moto's own code then decides challenges, UserMFASettingList and
    SetUserMFAPreference as if there were no verified token, and the stored value comes back
    unchanged once the new token is verified (or as SetUserMFAPreference set it meanwhile)."""

    def __init__(self, name: str):
        self.slot = f"_cogauth_{name}"

    def __get__(self, user: Any, owner: type | None = None) -> Any:
        if user is None:
            return self
        totp = user.__dict__.get("cogauth_totp")
        return bool(user.__dict__.get(self.slot, False)) and not (totp and totp.suspended)

    def __set__(self, user: Any, value: bool) -> None:
        user.__dict__[self.slot] = value


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
    """The time step whose code equals `code`, if any (B1): the current step or the one
    before, since a code "is accepted for a short time after its defined time window"; a
    code of the next step only with the accept_future_step switch (nothing documents early
    codes). "Now" is the emulator's clock (B12)."""
    if not isinstance(code, str):
        return None
    current = int(now()) // TOTP_STEP_SECONDS
    steps = [current, current - 1] + ([current + 1] if settings.accept_future_step else [])
    for step in steps:
        if hmac.compare_digest(totp_code(secret, step).encode(), code.encode()):
            return step
    return None


def _check_not_spent(totp: TotpState, step: int) -> None:
    """B2: a step is spent once per user, whichever token and operation accepted it. A code
    of that step or an earlier one is right but used: Cognito's ExpiredCodeException (RFC 6238
    section 5.2 asks verifiers to refuse a second use). CodeMismatchException would mislead a
    client into blaming the secret."""
    if step <= totp.last_used_step:
        raise ExpiredCodeException(CODE_REUSED)


def _require_software_token_mfa(pool: cognito.CognitoIdpUserPool) -> None:
    """B8: AssociateSoftwareToken and VerifySoftwareToken need TOTP enabled on the pool."""
    if pool.token_mfa_config != {"Enabled": True}:
        raise SoftwareTokenMFANotFoundException(TOTP_NOT_ENABLED)


# --- Challenge sessions (gap 6) ------------------------------------------------------------


@dataclass
class ChallengeSession:
    username: str  # moto's internal username (the name given, for a simulated user)
    pool: cognito.CognitoIdpUserPool
    client_id: str
    challenge: str  # the only challenge (or MFA_SETUP step) this session may be used for
    expires_at: float
    srp_challenge: srp.Challenge | None = None  # PASSWORD_VERIFIER sessions only
    mfa_verified: bool = False  # issued by a successful VerifySoftwareToken
    simulated: bool = False  # for a user that does not exist (B5, PreventUserExistenceErrors)
    # PASSWORD_VERIFIER of USER_AUTH (B11): the Session that came with it must come back.
    expected_session: str | None = None
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
    token = token or _new_session_token()
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


def _new_session_token() -> str:
    return secrets.token_urlsafe(96)  # 128 characters; Cognito allows 20 to 2048


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
) -> tuple[cognito.CognitoIdpUserPool, cognito.CognitoIdpUserPoolClient]:
    """The pool and app client of `client_id`, else Cognito's ResourceNotFoundException (B9;
    moto's message is the bare id)."""
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")


# ExplicitAuthFlows values (current and legacy names) that permit each flow; without the
# setting Cognito allows SRP, custom auth and refresh only (gap 8, B9, B11).
_FLOW_PERMITTED_BY = {
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "USER_AUTH": {"ALLOW_USER_AUTH"},
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


def _required(value: Any, name: str) -> str:
    """`value` of the parameter `name`, else Cognito's "Missing required parameter NAME"."""
    if not value or not isinstance(value, str):
        raise InvalidParameterException(f"Missing required parameter {name}")
    return value


def _prevents_existence_errors(client: cognito.CognitoIdpUserPoolClient) -> bool:
    """B5: PreventUserExistenceErrors of the app client; LEGACY when not set, the API's
    default (the console's default is ENABLED)."""
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


def _unknown_user(client: cognito.CognitoIdpUserPoolClient) -> NoReturn:
    """B5: the answer to a password sign-in of a user that does not exist."""
    if _prevents_existence_errors(client):
        raise NotAuthorizedError(BAD_PASSWORD)
    raise UserNotFoundError(USER_NOT_FOUND)


def _check_can_sign_in(user: Any) -> None:
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status is cognito.UserStatus.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")


def _mfas_can_setup(pool: cognito.CognitoIdpUserPool) -> list[str]:
    kinds = []
    if pool.token_mfa_config == {"Enabled": True}:
        kinds.append("SOFTWARE_TOKEN_MFA")
    if pool.sms_mfa_config:
        kinds.append("SMS_MFA")
    return kinds


def _missing_required_attributes(pool: cognito.CognitoIdpUserPool, user: Any) -> list[str]:
    """B6: attributes the pool's schema requires that the user has no value for."""
    return [
        name
        for name, attribute in pool.schema_attributes.items()
        if attribute.required and not user.attribute_lookup.get(name)
    ]


def _after_password(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client_id: str,
    username: str,
    result: dict[str, Any],
) -> dict[str, Any]:
    """Gap 3: a pool with MFA ON never hands tokens to a user without a verified software
    token after a password step; Cognito answers MFA_SETUP. moto only does so after SRP.
    B6: NEW_PASSWORD_REQUIRED carries userAttributes and requiredAttributes."""
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
    if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        parameters = result.setdefault("ChallengeParameters", {})
        # The user's attributes as JSON text, without the immutable sub, and the missing
        # required ones as "userAttributes.<name>", the keys the answer must carry.
        shown = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
        parameters["userAttributes"] = json.dumps(shown)
        parameters["requiredAttributes"] = json.dumps(
            [f"userAttributes.{name}" for name in _missing_required_attributes(pool, user)]
        )
    return _reissue(backend, pool, client_id, user.username, result)


def _user_for_access_token(
    backend: cognito.CognitoIdpBackend, token: Any
) -> tuple[cognito.CognitoIdpUserPool, Any]:
    for pool in backend.user_pools.values():
        if isinstance(token, str) and token in pool.access_tokens:
            _, username = pool.access_tokens[token]
            return pool, backend.admin_get_user(pool.id, username)
    raise NotAuthorizedError("Invalid Access Token")


# --- The patched CognitoIdpBackend methods -------------------------------------------------

_original: dict[str, Any] = {}


def initiate_auth(
    self: cognito.CognitoIdpBackend,
    client_id: str,
    auth_flow: str,
    auth_parameters: dict[str, str],
) -> dict[str, Any]:
    """Gaps 3, 6, 7, 8: real SRP, SECRET_HASH and ExplicitAuthFlows, MFA_SETUP, sessions.
    B5 (unknown users), B9 (unknown client), B11 (USER_AUTH, which moto does not know)."""
    pool, client = _find_client(self, client_id)
    parameters = auth_parameters or {}
    _check_auth_flow(client, auth_flow)
    if auth_flow in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"):
        _check_secret_hash(client, parameters.get("USERNAME"), parameters.get("SECRET_HASH"))
    if auth_flow == "USER_AUTH":
        return _start_user_auth(self, pool, client, parameters)
    if auth_flow == "USER_SRP_AUTH":
        username = _required(parameters.get("USERNAME"), "USERNAME")
        return _start_srp(self, pool, client, username, parameters.get("SRP_A"))
    if auth_flow == "USER_PASSWORD_AUTH":
        username = _required(parameters.get("USERNAME"), "USERNAME")
        return _password_step(self, pool, client, username, parameters.get("PASSWORD"))
    return _original["initiate_auth"](self, client_id, auth_flow, auth_parameters)


def _password_step(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client: cognito.CognitoIdpUserPoolClient,
    username: str,
    password: Any,
) -> dict[str, Any]:
    """The password check of USER_PASSWORD_AUTH and of USER_AUTH's PASSWORD choice."""
    password = _required(password, "PASSWORD")
    if pool._get_user(username) is None:
        _unknown_user(client)
    result = _original["initiate_auth"](
        backend, client.id, "USER_PASSWORD_AUTH", {"USERNAME": username, "PASSWORD": password}
    )
    return _after_password(backend, pool, client.id, username, result)


# Per process, so that a simulated user keeps one salt and one id while the emulator runs.
_SIMULATION_KEY = secrets.token_bytes(32)


def _simulated_srp_identity(pool_id: str, username: str) -> tuple[str, int]:
    """B5: USER_ID_FOR_SRP (a UUID) and salt of a user that does not exist: "the same salt
    and internal user ID in UUID format for the same user name and user pool combination"."""
    digest = hmac.new(_SIMULATION_KEY, f"{pool_id}\0{username}".encode(), hashlib.sha256)
    raw = digest.digest()
    return str(uuid.UUID(bytes=raw[:16], version=4)), int.from_bytes(raw[16:], "big") | (1 << 127)


def _start_srp(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client: cognito.CognitoIdpUserPoolClient,
    username: str,
    srp_a: Any,
    with_session: bool = False,
) -> dict[str, Any]:
    """Gap 7: a real B, salt and random SECRET_BLOCK. The SECRET_BLOCK is also the key of the
    PASSWORD_VERIFIER session, since clients answer without a Session (pycognito does).
    `with_session` (USER_AUTH, B11): the answer also carries a Session that must come back.
    B5: for a user that does not exist, a simulated challenge if the client prevents user
    existence errors (its answer then always fails), else UserNotFoundException."""
    srp_a = _required(srp_a, "SRP_A")
    user = pool._get_user(username)
    if user is None:
        if not _prevents_existence_errors(client):
            raise UserNotFoundError(USER_NOT_FOUND)
        user_id, salt = _simulated_srp_identity(pool.id, username)
        # A password nobody knows: the claim can never be right.
        password, name, simulated = secrets.token_urlsafe(32), username, True
    else:
        _check_can_sign_in(user)
        user_id, salt = user.username, None
        password, name, simulated = str(user.password), user.username, False
    try:
        challenge = srp.start(pool.id, user_id, password, srp_a, salt=salt)
    except ValueError:
        raise InvalidParameterException("SRP_A is not a valid SRP public value") from None
    parameters_out = dict(challenge.parameters, USERNAME=name)
    session = _new_session_token() if with_session else None
    _issue(
        backend,
        name,
        pool,
        client.id,
        "PASSWORD_VERIFIER",
        token=parameters_out["SECRET_BLOCK"],
        srp_challenge=challenge,
        simulated=simulated,
        expected_session=session,
    )
    result = {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": parameters_out}
    if session:
        result["Session"] = session
    return result


def _start_user_auth(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client: cognito.CognitoIdpUserPoolClient,
    parameters: dict[str, str],
) -> dict[str, Any]:
    """B11: choice-based sign-in. PREFERRED_CHALLENGE PASSWORD_SRP (with SRP_A) or PASSWORD
    (with PASSWORD) goes straight to that factor; without it, SELECT_CHALLENGE lists the
    factors in the top-level AvailableChallenges. Only password factors are modelled."""
    username = _required(parameters.get("USERNAME"), "USERNAME")
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if preferred == "PASSWORD_SRP":
        return _start_srp(
            backend, pool, client, username, parameters.get("SRP_A"), with_session=True
        )
    if preferred == "PASSWORD":
        return _password_step(backend, pool, client, username, parameters.get("PASSWORD"))
    if preferred is not None:
        raise InvalidParameterException(
            f"PREFERRED_CHALLENGE {preferred} is not available: use one of "
            + ", ".join(USER_AUTH_CHALLENGES)
        )
    user = pool._get_user(username)
    if user is None:
        if not _prevents_existence_errors(client):
            raise UserNotFoundError(USER_NOT_FOUND)
        # B5: an unknown user gets the same choice; each factor then fails as for SRP.
        session = _issue(backend, username, pool, client.id, "SELECT_CHALLENGE", simulated=True)
    else:
        _check_can_sign_in(user)
        session = _issue(backend, user.username, pool, client.id, "SELECT_CHALLENGE")
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "ChallengeParameters": {},
        "Session": session,
        "AvailableChallenges": list(USER_AUTH_CHALLENGES),
    }


def admin_initiate_auth(
    self: cognito.CognitoIdpBackend,
    user_pool_id: str,
    client_id: str,
    auth_flow: str,
    auth_parameters: dict[str, str],
) -> dict[str, Any]:
    """Gaps 3, 6, 8 for the admin password flow, so its sessions work with the patched
    RespondToAuthChallenge; B5 and B9 as for InitiateAuth."""
    pool = self.describe_user_pool(user_pool_id)
    client = pool.clients.get(client_id)
    if client is None:
        raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
    parameters = auth_parameters or {}
    _check_auth_flow(client, auth_flow)
    if auth_flow in _PASSWORD_FLOWS:
        _check_secret_hash(client, parameters.get("USERNAME"), parameters.get("SECRET_HASH"))
        if pool._get_user(_required(parameters.get("USERNAME"), "USERNAME")) is None:
            _unknown_user(client)
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
    """Gaps 2, 4, 6, 7, 8; B5, B6, B7, B11. A session is spent only by a successful answer:
    Cognito lets a user retry a mistyped code, or a new password the policy refused, on the
    same session. A failed SRP claim spends it (one attempt), as does a SELECT_CHALLENGE
    answer (it starts the chosen factor)."""
    pool, client = _find_client(self, client_id)
    responses = challenge_responses or {}
    if challenge_name == "PASSWORD_VERIFIER":
        token = responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
    else:
        token = session or ""
    current = _live(self, token, challenge_name, client.id)
    if current.expected_session is not None and session != current.expected_session:
        raise NotAuthorizedError(INVALID_SESSION)
    username = _required(responses.get("USERNAME"), "USERNAME")
    if current.simulated:
        # B5: there is no such user. The client answers PASSWORD_VERIFIER with the simulated
        # USER_ID_FOR_SRP, any other challenge with the name it gave.
        if challenge_name != "PASSWORD_VERIFIER" and username != current.username:
            raise NotAuthorizedError(INVALID_SESSION)
        user = None
    else:
        user = pool._get_user(username)
        if user is None or user.username != current.username:
            raise NotAuthorizedError(INVALID_SESSION)
    _check_secret_hash(client, username, responses.get("SECRET_HASH"))

    if challenge_name == "SELECT_CHALLENGE":
        return _answer_select_challenge(self, pool, client, current, token, responses)
    if user is None:  # a simulated PASSWORD_VERIFIER: the claim cannot be right
        _consume(self, token)
        raise NotAuthorizedError(BAD_PASSWORD)
    if challenge_name == "PASSWORD_VERIFIER":
        _check_password_claim(self, current, token, responses)
    accepted_step = None
    if challenge_name == "SOFTWARE_TOKEN_MFA":
        accepted_step = _check_mfa_code(user, responses.get("SOFTWARE_TOKEN_MFA_CODE"))
    if challenge_name == "MFA_SETUP" and not (current.mfa_verified and user.token_verified):
        # Gap 4: only the Session returned by a successful VerifySoftwareToken completes
        # MFA_SETUP (Cognito's documented sequence); an Associate session cannot.
        raise NotAuthorizedError(INVALID_SESSION)
    new_attributes: list[dict[str, str]] = []
    if challenge_name == "NEW_PASSWORD_REQUIRED":
        new_attributes = _check_new_password_answer(pool, user, responses)

    # moto's NEW_PASSWORD_REQUIRED branch checks the password policy (B7) before it changes
    # anything, so a refused password leaves the session usable.
    result = _original["respond_to_auth_challenge"](
        self, token, client.id, challenge_name, responses
    )
    _consume(self, token)
    if accepted_step is not None:
        user.cogauth_totp.last_used_step = accepted_step
    if new_attributes:
        user.update_attributes(new_attributes)
    if challenge_name in ("PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"):
        return _after_password(self, pool, client.id, user.username, result)
    return _reissue(self, pool, client.id, user.username, result)


def _answer_select_challenge(
    backend: cognito.CognitoIdpBackend,
    pool: cognito.CognitoIdpUserPool,
    client: cognito.CognitoIdpUserPoolClient,
    current: ChallengeSession,
    token: str,
    responses: dict[str, str],
) -> dict[str, Any]:
    """B11: ANSWER PASSWORD_SRP (with SRP_A) answers PASSWORD_VERIFIER, ANSWER PASSWORD (with
    PASSWORD) is the password step. The choice spends the session, whatever its outcome."""
    answer = responses.get("ANSWER")
    if answer not in USER_AUTH_CHALLENGES:
        raise InvalidParameterException(
            f"ANSWER must be one of the AvailableChallenges {list(USER_AUTH_CHALLENGES)}"
        )
    if answer == "PASSWORD_SRP":
        srp_a = _required(responses.get("SRP_A"), "SRP_A")
        _consume(backend, token)
        return _start_srp(backend, pool, client, current.username, srp_a, with_session=True)
    password = _required(responses.get("PASSWORD"), "PASSWORD")
    _consume(backend, token)
    return _password_step(backend, pool, client, current.username, password)


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
    """Gap 2 for SOFTWARE_TOKEN_MFA (B1, B2). Returns the accepted time step."""
    totp = user.cogauth_totp
    step = _matching_step(totp.secret, code) if totp.secret else None
    if step is None:
        raise CodeMismatchException(MFA_MISMATCH)
    _check_not_spent(totp, step)
    return step


def _check_new_password_answer(
    pool: cognito.CognitoIdpUserPool, user: Any, responses: dict[str, str]
) -> list[dict[str, str]]:
    """B6: the answer must carry NEW_PASSWORD and "userAttributes.<name>" for every required
    attribute the user lacks (Cognito: "Invalid attributes given, <name> is missing").
    Returns every userAttributes.* given, to be set once the answer succeeds."""
    _required(responses.get("NEW_PASSWORD"), "NEW_PASSWORD")
    prefix = "userAttributes."
    given = {k[len(prefix) :]: v for k, v in responses.items() if k.startswith(prefix)}
    missing = [name for name in _missing_required_attributes(pool, user) if not given.get(name)]
    if missing:
        raise InvalidParameterException(
            f"Invalid attributes given, {' and '.join(missing)} is missing"
        )
    return [{"Name": name, "Value": value} for name, value in given.items()]


def associate_software_token(
    self: cognito.CognitoIdpBackend, access_token: str, session: str
) -> dict[str, str]:
    """Gap 1: a fresh random secret per call, replacing the pending one; gap 6 for sessions.
    With a Session, the answer carries a new Session and the old one is spent. B3: a user
    with a verified token is suspended until the new one is verified. B8: only on a pool
    with TOTP enabled."""
    if session:
        current = _live(self, session, "MFA_SETUP")
        pool, user = current.pool, self.admin_get_user(current.pool.id, current.username)
    else:
        pool, user = _user_for_access_token(self, access_token)
    _require_software_token_mfa(pool)
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
    """Gap 2: the code must match the pending secret (B1: this step or the one before); a
    wrong code raises EnableSoftwareTokenMFAException as Cognito does, a spent step
    ExpiredCodeException (B2). Without a pending secret the verified one is checked again
    (a retry after a lost answer, B4). Gap 6 for sessions; B8."""
    if session:
        current = _live(self, session, "MFA_SETUP")
        pool, user = current.pool, self.admin_get_user(current.pool.id, current.username)
    else:
        pool, user = _user_for_access_token(self, access_token)
    _require_software_token_mfa(pool)
    totp = user.cogauth_totp
    secret = totp.pending_secret or totp.secret
    if secret is None:
        raise EnableSoftwareTokenMFAException(
            "No software token to verify: call AssociateSoftwareToken first"
        )
    step = _matching_step(secret, user_code)
    if step is None:
        raise EnableSoftwareTokenMFAException(VERIFY_MISMATCH)
    _check_not_spent(totp, step)
    totp.secret, totp.pending_secret, totp.last_used_step = secret, None, step
    user.token_verified = True
    if not session:
        return {"Status": "SUCCESS"}
    _consume(self, session)
    new_session = _issue(
        self, current.username, current.pool, current.client_id, "MFA_SETUP", mfa_verified=True
    )
    return {"Status": "SUCCESS", "Session": new_session}


# Characters that count as symbols for RequireSymbols (Cognito's list; space included).
_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def validate_password(self: cognito.CognitoIdpBackend, user_pool_id: str, password: str) -> None:
    """B7: the pool's password policy with Cognito's reasons, first broken rule first (moto
    answers one fixed text). Defaults as moto's pool defaults: length 8, all classes."""
    pool = self.describe_user_pool(user_pool_id)
    policy = pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
    if len(password) < policy.get("MinimumLength", 8):
        raise InvalidPasswordError("Password not long enough")
    classes = (
        ("RequireUppercase", string.ascii_uppercase, "uppercase"),
        ("RequireLowercase", string.ascii_lowercase, "lowercase"),
        ("RequireNumbers", string.digits, "numeric"),
        ("RequireSymbols", _SYMBOLS, "symbol"),
    )
    for setting, characters, kind in classes:
        if policy.get(setting, True) and not any(c in characters for c in password):
            raise InvalidPasswordError(f"Password must have {kind} characters")


def sign_up(self: cognito.CognitoIdpBackend, *args: Any, **kwargs: Any) -> Any:
    """B7: SignUp words a policy refusal "Password did not conform with policy: ..."."""
    try:
        return _original["sign_up"](self, *args, **kwargs)
    except InvalidPasswordError as error:
        raise InvalidPasswordError(error.reason, SIGN_UP_POLICY) from None


# --- Installation ----------------------------------------------------------------------------

_PATCHED_METHODS = {
    "initiate_auth": initiate_auth,
    "admin_initiate_auth": admin_initiate_auth,
    "respond_to_auth_challenge": respond_to_auth_challenge,
    "associate_software_token": associate_software_token,
    "verify_software_token": verify_software_token,
    "_validate_password": validate_password,
    "sign_up": sign_up,
}


def _backend_init(self: cognito.CognitoIdpBackend, *args: Any, **kwargs: Any) -> None:
    _original["backend_init"](self, *args, **kwargs)
    # Side table of our session metadata. moto's reset re-runs __init__, so it is cleared too.
    self.cogauth_sessions = {}


def _user_init(self: cognito.CognitoIdpUser, *args: Any, **kwargs: Any) -> None:
    _original["user_init"](self, *args, **kwargs)
    self.cogauth_totp = TotpState()


def _user_to_json(self: cognito.CognitoIdpUser, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """B3: while suspended, GetUser/AdminGetUser/ListUsers neither list SOFTWARE_TOKEN_MFA
    (software_token_mfa_enabled reads False) nor show it as PreferredMfaSetting."""
    result = _original["user_to_json"](self, *args, **kwargs)
    if self.cogauth_totp.suspended and result.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA":
        result["PreferredMfaSetting"] = ""
    return result


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
    _original["user_to_json"] = user_cls.to_json
    backend_cls.__init__ = _backend_init
    user_cls.__init__ = _user_init
    user_cls.to_json = _user_to_json
    for field in ("token_verified", "software_token_mfa_enabled"):
        setattr(user_cls, field, _HiddenWhileSuspended(field))
    for name, replacement in _PATCHED_METHODS.items():
        _original[name] = getattr(backend_cls, name)
        setattr(backend_cls, name, replacement)
