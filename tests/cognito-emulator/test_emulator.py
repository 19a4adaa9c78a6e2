"""Proves the emulator behaves like Cognito where stock moto does not (README.md, "Gaps").

The emulator runs as a subprocess (once per session) and is reset and re-seeded before every
test. Clients are independent of the emulator's code: boto3, pyotp for codes, and pycognito's
AWSSRP for the SRP math. Run with the venv from setup.sh:

    "$(./setup.sh)/bin/python" -m pytest -q test_emulator.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import botocore.exceptions
import pyotp
import pytest
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from cogauth_emulator import seed

HERE = Path(__file__).resolve().parent
RUN = HERE / "run.py"
STEP = 30


# --- emulator process and per-test state -------------------------------------------------


def start_emulator(*args: str, log_path: Path) -> tuple[subprocess.Popen, dict[str, Any]]:
    """Start run.py and return the process and the JSON line it prints."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(RUN), "--port", "0", "--quiet", *args],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        pytest.fail(f"emulator printed no JSON line; log:\n{log_path.read_text()}")
    return process, json.loads(line)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
    process, line = start_emulator(log_path=log_path)
    yield {"line": line, "endpoint": line["endpoint"]}
    process.terminate()
    process.wait(timeout=10)


def control(endpoint: str, name: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    """GET (body None) or POST to /cogauth-emulator/<name>; returns (status, JSON)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{endpoint}/cogauth-emulator/{name}", data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def set_faults(endpoint: str, **body: Any) -> None:
    status, answer = control(endpoint, "faults", body)
    assert status == 200, answer


@pytest.fixture
def pool(emulator):
    """A freshly reset emulator with the demo pool; its description as run.py prints it."""
    status, _ = control(emulator["endpoint"], "reset", {})
    assert status == 200
    return seed.seed(emulator["endpoint"])


@pytest.fixture
def idp(pool):
    return seed.client(pool["endpoint"])


# --- helpers --------------------------------------------------------------------------------


def error_of(excinfo: pytest.ExceptionInfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def now_step() -> int:
    return int(time.time()) // STEP


def steady_clock(margin: float = 5.0) -> int:
    """Wait until at least `margin` seconds remain in the current 30 s step, so that codes
    computed for "now ± n steps" mean the same step to the emulator; returns the step."""
    remaining = STEP - time.time() % STEP
    if remaining < margin:
        time.sleep(remaining + 0.1)
    return now_step()


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP)


def other_code(secret: str, step: int) -> str:
    """A six-digit code that is valid for none of step-1, step, step+1."""
    valid = {code_at(secret, step + delta) for delta in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in valid)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def add_user(idp, pool, name: str, password: str = "CogAuth-test-1", temporary: bool = False):
    if temporary:
        idp.admin_create_user(
            UserPoolId=pool["user_pool_id"],
            Username=name,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
        )
    else:
        idp.admin_create_user(
            UserPoolId=pool["user_pool_id"], Username=name, MessageAction="SUPPRESS"
        )
        idp.admin_set_user_password(
            UserPoolId=pool["user_pool_id"], Username=name, Password=password, Permanent=True
        )
    return name, password


def password_auth(idp, pool, username: str, password: str, with_secret: bool = False, **extra):
    params = {"USERNAME": username, "PASSWORD": password, **extra}
    client_id = pool["client_id_with_secret"] if with_secret else pool["client_id"]
    if with_secret and "SECRET_HASH" not in extra:
        params["SECRET_HASH"] = secret_hash(username, client_id, pool["client_secret"])
    return idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
    )


def mfa_setup_session(idp, pool, username: str, password: str) -> str:
    answer = password_auth(idp, pool, username, password)
    assert answer["ChallengeName"] == "MFA_SETUP"
    return answer["Session"]


def respond(idp, pool, name: str, session: str, username: str, **responses):
    return idp.respond_to_auth_challenge(
        ClientId=pool["client_id"],
        ChallengeName=name,
        Session=session,
        ChallengeResponses={"USERNAME": username, **responses},
    )


def enrol(idp, pool, username: str, password: str, step: int) -> tuple[str, dict]:
    """MFA_SETUP enrolment with the code of `step`, TOTP preferred; (secret, tokens)."""
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, username, password)
    )
    secret = associated["SecretCode"]
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(secret, step)
    )
    tokens = respond(idp, pool, "MFA_SETUP", verified["Session"], username)
    tokens = tokens["AuthenticationResult"]
    idp.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    return secret, tokens


def srp_client(idp, pool, username: str, password: str, with_secret: bool = False) -> AWSSRP:
    return AWSSRP(
        username=username,
        password=password,
        pool_id=pool["user_pool_id"],
        client_id=pool["client_id_with_secret"] if with_secret else pool["client_id"],
        client_secret=pool["client_secret"] if with_secret else None,
        client=idp,
    )


def srp_answer(idp, aws: AWSSRP) -> tuple[dict, dict]:
    """InitiateAuth USER_SRP_AUTH and pycognito's PASSWORD_VERIFIER responses for it."""
    auth_params = aws.get_auth_params()
    challenge = idp.initiate_auth(
        ClientId=aws.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    return challenge, aws.process_challenge(challenge["ChallengeParameters"], auth_params)


def verify_password_claim(idp, aws: AWSSRP, responses: dict) -> dict:
    return idp.respond_to_auth_challenge(
        ClientId=aws.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )


# --- start-up, binding, shutdown ------------------------------------------------------------


def test_startup_line_describes_the_demo_pool(emulator):
    line = emulator["line"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", line["endpoint"])
    assert line["region"] == "us-east-1"
    assert line["user_pool_id"].startswith("us-east-1_")
    assert line["client_id"] != line["client_id_with_secret"]
    assert line["client_secret"]
    users = {user["name"]: user for user in line["users"]}
    assert users["demo"]["password"] == "CogAuth-demo-1"
    assert users["newbie"]["password"] == "Temp-pass-1"
    assert users["newbie"]["status"] == "FORCE_CHANGE_PASSWORD"
    assert re.fullmatch(r"[A-Z2-7]{32}", users["enrolled"]["totp_secret"])
    assert line["faults_url"] == line["endpoint"] + "/cogauth-emulator/faults"


def test_seeded_clients_allow_the_three_flows(idp, pool):
    for client_id in (pool["client_id"], pool["client_id_with_secret"]):
        described = idp.describe_user_pool_client(
            UserPoolId=pool["user_pool_id"], ClientId=client_id
        )["UserPoolClient"]
        assert set(described["ExplicitAuthFlows"]) == {
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        }
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool["user_pool_id"])
    assert mfa["MfaConfiguration"] == "ON"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_listens_on_127_0_0_1_only(emulator):
    port = int(emulator["endpoint"].rsplit(":", 1)[1])
    candidates = ["127.0.0.2"]  # also loopback on Linux, but not the bound address
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent; picks the outbound address
            candidates.append(probe.getsockname()[0])
        except OSError:
            pass
    for address in candidates:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()
    socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_exits_cleanly_on_signal(tmp_path, signum):
    process, line = start_emulator("--no-seed", log_path=tmp_path / "log")
    assert set(line) >= {"endpoint", "region", "faults_url", "reset_url"}
    process.send_signal(signum)
    assert process.wait(timeout=10) == 0


def test_seed_only_reseeds_a_running_emulator(emulator, tmp_path):
    control(emulator["endpoint"], "reset", {})
    output = subprocess.run(
        [sys.executable, str(RUN), "--seed-only", "--endpoint", emulator["endpoint"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    lines = output.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    idp = seed.client(emulator["endpoint"])
    assert idp.describe_user_pool(UserPoolId=line["user_pool_id"])["UserPool"]["Name"]
    assert mfa_setup_session(idp, line, "demo", "CogAuth-demo-1")


# --- gap 1: secrets -------------------------------------------------------------------------


def test_associate_gives_a_fresh_160_bit_secret_on_every_call(idp, pool):
    first = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    second = idp.associate_software_token(Session=first["Session"])
    other_user = add_user(idp, pool, "carol")
    third = idp.associate_software_token(Session=mfa_setup_session(idp, pool, *other_user))
    found = [first["SecretCode"], second["SecretCode"], third["SecretCode"]]
    for secret in found:
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        assert len(base64.b32decode(secret)) == 20  # 160 bits
    assert len(set(found)) == 3
    assert second["Session"] != first["Session"]

    # The second call replaced the first secret for this user.
    step = steady_clock()
    with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
        idp.verify_software_token(Session=second["Session"], UserCode=code_at(found[0], step))
    verified = idp.verify_software_token(
        Session=second["Session"], UserCode=code_at(found[1], step)
    )
    assert verified["Status"] == "SUCCESS"


def test_associate_with_access_token_replaces_the_secret_only_once_verified(idp, pool):
    step = steady_clock(margin=8)
    old_secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step)
    associated = idp.associate_software_token(AccessToken=tokens["AccessToken"])
    new_secret = associated["SecretCode"]
    assert "Session" not in associated
    assert new_secret != old_secret and len(base64.b32decode(new_secret)) == 20

    # Until the new token is verified the old one still signs in (no lock-out).
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    respond(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        "demo",
        SOFTWARE_TOKEN_MFA_CODE=code_at(old_secret, step + 1),
    )

    verified = idp.verify_software_token(
        AccessToken=tokens["AccessToken"], UserCode=code_at(new_secret, step)
    )
    assert verified["Status"] == "SUCCESS" and "Session" not in verified
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.CodeMismatchException):
        respond(
            idp,
            pool,
            "SOFTWARE_TOKEN_MFA",
            challenge["Session"],
            "demo",
            SOFTWARE_TOKEN_MFA_CODE=code_at(old_secret, step + 1),
        )
    answer = respond(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        "demo",
        SOFTWARE_TOKEN_MFA_CODE=code_at(new_secret, step + 1),
    )
    assert "AccessToken" in answer["AuthenticationResult"]


# --- gap 2: codes ---------------------------------------------------------------------------


def test_verify_refuses_a_wrong_code_and_keeps_the_session(idp, pool):
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    step = steady_clock()
    for wrong in ("000000", other_code(associated["SecretCode"], step)):
        if wrong in {code_at(associated["SecretCode"], step + d) for d in (-1, 0, 1)}:
            continue  # "000000" happens to be valid right now
        with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException) as excinfo:
            idp.verify_software_token(Session=associated["Session"], UserCode=wrong)
        assert error_of(excinfo)[1] == "Code mismatch and fail enable Software Token MFA"
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], step)
    )
    assert verified["Status"] == "SUCCESS"


@pytest.mark.parametrize(
    "offset,accepted", [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_verify_allows_one_step_of_clock_skew(idp, pool, offset, accepted):
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    code = code_at(associated["SecretCode"], steady_clock() + offset)
    if accepted:
        assert (
            idp.verify_software_token(Session=associated["Session"], UserCode=code)["Status"]
            == "SUCCESS"
        )
    else:
        with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
            idp.verify_software_token(Session=associated["Session"], UserCode=code)


@pytest.mark.parametrize("offset,accepted", [(0, True), (1, True), (2, False), (-2, False)])
def test_mfa_answer_allows_one_step_of_clock_skew(idp, pool, offset, accepted):
    # Enrolling with the previous step's code leaves now and the next step unused.
    step = steady_clock(margin=8)
    secret, _ = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    code = code_at(secret, step + offset)
    if accepted:
        answer = respond(
            idp,
            pool,
            "SOFTWARE_TOKEN_MFA",
            challenge["Session"],
            "demo",
            SOFTWARE_TOKEN_MFA_CODE=code,
        )
        assert "AccessToken" in answer["AuthenticationResult"]
    else:
        with pytest.raises(idp.exceptions.CodeMismatchException) as excinfo:
            respond(
                idp,
                pool,
                "SOFTWARE_TOKEN_MFA",
                challenge["Session"],
                "demo",
                SOFTWARE_TOKEN_MFA_CODE=code,
            )
        assert error_of(excinfo)[1] == "Invalid code or auth state for the user."


def test_full_enrolment_then_sign_in_with_software_token_mfa(idp, pool):
    step = steady_clock(margin=8)
    secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step)
    user = idp.get_user(AccessToken=tokens["AccessToken"])
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    with pytest.raises(idp.exceptions.CodeMismatchException):
        respond(
            idp,
            pool,
            "SOFTWARE_TOKEN_MFA",
            challenge["Session"],
            "demo",
            SOFTWARE_TOKEN_MFA_CODE=other_code(secret, step),
        )
    # A mistyped code does not spend the session.
    answer = respond(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        "demo",
        SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step + 1),
    )
    assert (
        idp.get_user(AccessToken=answer["AuthenticationResult"]["AccessToken"])["Username"]
        == "demo"
    )

    # SRP reaches the same challenge.
    with pytest.raises(SoftwareTokenMFAChallengeException) as excinfo:
        srp_client(idp, pool, "demo", "CogAuth-demo-1").authenticate_user()
    assert excinfo.value.get_tokens()["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_totp_preferred_through_access_token_enrolment_gives_software_token_mfa(idp, pool):
    pool_id = pool["user_pool_id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    tokens = password_auth(idp, pool, "demo", "CogAuth-demo-1")["AuthenticationResult"]
    secret = idp.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    step = steady_clock()
    idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step))
    idp.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = respond(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        "demo",
        SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step + 1),
    )
    assert "AccessToken" in answer["AuthenticationResult"]


def test_a_code_already_used_is_refused(idp, pool):
    step = steady_clock(margin=8)
    secret, _ = enrol(idp, pool, "demo", "CogAuth-demo-1", step)

    # The code that verified the token cannot sign in.
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.ExpiredCodeException) as excinfo:
        respond(
            idp,
            pool,
            "SOFTWARE_TOKEN_MFA",
            challenge["Session"],
            "demo",
            SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step),
        )
    assert error_of(excinfo)[1] == "Your software token has already been used once."
    respond(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        "demo",
        SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step + 1),
    )

    # Nor can a code that signed in once, on a later sign-in.
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        respond(
            idp,
            pool,
            "SOFTWARE_TOKEN_MFA",
            challenge["Session"],
            "demo",
            SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step + 1),
        )


# --- gaps 3, 4, 5: MFA_SETUP ----------------------------------------------------------------


def test_password_sign_in_without_token_answers_mfa_setup_with_json(idp, pool):
    for with_secret in (False, True):
        answer = password_auth(idp, pool, "demo", "CogAuth-demo-1", with_secret=with_secret)
        assert answer["ChallengeName"] == "MFA_SETUP"
        assert "AuthenticationResult" not in answer
        assert answer["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
        assert json.loads(answer["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
        assert 20 <= len(answer["Session"]) <= 2048


def test_srp_sign_in_without_token_answers_mfa_setup_with_json(idp, pool):
    answer = srp_client(idp, pool, "demo", "CogAuth-demo-1").authenticate_user()
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert answer["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    assert idp.associate_software_token(Session=answer["Session"])["SecretCode"]


def test_pool_without_required_mfa_hands_out_tokens(idp, pool):
    idp.set_user_pool_mfa_config(UserPoolId=pool["user_pool_id"], MfaConfiguration="OFF")
    answer = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert "AccessToken" in answer["AuthenticationResult"]


def test_mfa_setup_cannot_complete_before_verify(idp, pool):
    first = mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(idp, pool, "MFA_SETUP", first, "demo")
    associated = idp.associate_software_token(Session=first)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(idp, pool, "MFA_SETUP", associated["Session"], "demo")
    # That session was refused for what it is, not spent: it still verifies.
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )
    answer = respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")
    assert "AccessToken" in answer["AuthenticationResult"]


def test_new_password_required_leads_to_mfa_setup_for_newbie(idp, pool):
    first = password_auth(idp, pool, "newbie", "Temp-pass-1")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    changed = respond(
        idp,
        pool,
        "NEW_PASSWORD_REQUIRED",
        first["Session"],
        "newbie",
        NEW_PASSWORD="CogAuth-newbie-2",
    )
    assert changed["ChallengeName"] == "MFA_SETUP"
    assert changed["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    assert changed["Session"] != first["Session"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(
            idp,
            pool,
            "NEW_PASSWORD_REQUIRED",
            first["Session"],
            "newbie",
            NEW_PASSWORD="CogAuth-newbie-3",
        )

    associated = idp.associate_software_token(Session=changed["Session"])
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )
    answer = respond(idp, pool, "MFA_SETUP", verified["Session"], "newbie")
    assert "AccessToken" in answer["AuthenticationResult"]
    # The new password works, and the user is now enrolled.
    assert (
        password_auth(idp, pool, "newbie", "CogAuth-newbie-2")["ChallengeName"]
        == "SOFTWARE_TOKEN_MFA"
    )


def test_srp_with_temporary_password_answers_new_password_required(idp, pool):
    add_user(idp, pool, "dave", "Temp-pass-2", temporary=True)
    aws = srp_client(idp, pool, "dave", "Temp-pass-2")
    _, responses = srp_answer(idp, aws)
    answer = verify_password_claim(idp, aws, responses)
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    changed = respond(
        idp, pool, "NEW_PASSWORD_REQUIRED", answer["Session"], "dave", NEW_PASSWORD="CogAuth-dave-2"
    )
    assert changed["ChallengeName"] == "MFA_SETUP"


# --- gap 6: sessions ------------------------------------------------------------------------


BOGUS_SESSION = "A" * 40


def session_users(idp, pool):
    """Callables that use a session in each of the three ways Cognito takes one."""
    return {
        "AssociateSoftwareToken": lambda s: idp.associate_software_token(Session=s),
        "VerifySoftwareToken": lambda s: idp.verify_software_token(Session=s, UserCode="123456"),
        "RespondToAuthChallenge": lambda s: respond(idp, pool, "MFA_SETUP", s, "demo"),
    }


def test_bogus_session_is_not_authorized(idp, pool):
    for name, use in session_users(idp, pool).items():
        with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
            use(BOGUS_SESSION)
        assert error_of(excinfo)[1] == "Invalid session for the user.", name
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(
            idp,
            pool,
            "NEW_PASSWORD_REQUIRED",
            BOGUS_SESSION,
            "newbie",
            NEW_PASSWORD="CogAuth-newbie-2",
        )


def test_used_session_is_not_authorized(idp, pool):
    first = mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    associated = idp.associate_software_token(Session=first)
    for name, use in session_users(idp, pool).items():
        with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
            use(first)
        assert error_of(excinfo)[1] == (
            "Invalid session for the user, session can only be used once."
        ), name
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.verify_software_token(Session=associated["Session"], UserCode="123456")
    respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")


def test_expired_session_is_not_authorized_and_validity_is_a_switch(idp, pool):
    set_faults(pool["endpoint"], session_validity_seconds=2)
    # Still usable within its two seconds.
    assert idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )["SecretCode"]
    sessions = [mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1") for _ in range(3)]
    time.sleep(2.2)
    for (name, use), session in zip(session_users(idp, pool).items(), sessions, strict=True):
        with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
            use(session)
        assert error_of(excinfo)[1] == "Invalid session for the user, session is expired.", name

    status, state = control(pool["endpoint"], "reset", {})
    assert status == 200 and state["session_validity_seconds"] == 180


def test_session_is_bound_to_its_client_and_user(idp, pool):
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        idp.respond_to_auth_challenge(
            ClientId=pool["client_id_with_secret"],
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={
                "USERNAME": "demo",
                "SECRET_HASH": secret_hash(
                    "demo", pool["client_id_with_secret"], pool["client_secret"]
                ),
            },
        )
    assert error_of(excinfo)[1] == "Invalid session for the user."
    # ... and to its user.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        respond(idp, pool, "MFA_SETUP", verified["Session"], "enrolled")
    answer = respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")
    assert "AccessToken" in answer["AuthenticationResult"]


# --- gap 7: SRP -----------------------------------------------------------------------------


def test_srp_with_the_right_password_passes_the_verifier(idp, pool):
    aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    challenge, responses = srp_answer(idp, aws)
    parameters = challenge["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == "demo"
    assert len(base64.b64decode(parameters["SECRET_BLOCK"], validate=True)) >= 64
    assert int(parameters["SRP_B"], 16) and int(parameters["SALT"], 16)
    answer = verify_password_claim(idp, aws, responses)
    assert answer["ChallengeName"] == "MFA_SETUP"


def test_srp_with_a_wrong_password_fails_and_spends_the_attempt(idp, pool):
    right = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    wrong = srp_client(idp, pool, "demo", "CogAuth-demo-2")
    wrong.small_a_value, wrong.large_a_value = right.small_a_value, right.large_a_value
    challenge, right_responses = srp_answer(idp, right)
    wrong_responses = wrong.process_challenge(
        challenge["ChallengeParameters"], right.get_auth_params()
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        verify_password_claim(idp, wrong, wrong_responses)
    assert error_of(excinfo)[1] == "Incorrect username or password."
    # One SRP exchange is one attempt: the right claim for the same SECRET_BLOCK is too late.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        verify_password_claim(idp, right, right_responses)


def test_srp_refuses_a_zero_padded_day_in_the_timestamp(idp, pool, monkeypatch):
    def sign_with(timestamp: str) -> dict:
        monkeypatch.setattr(
            AWSSRP, "get_cognito_formatted_timestamp", staticmethod(lambda _: timestamp)
        )
        aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
        _, responses = srp_answer(idp, aws)
        assert responses["TIMESTAMP"] == timestamp  # the signature covers it
        return verify_password_claim(idp, aws, responses)

    with pytest.raises(idp.exceptions.NotAuthorizedException):
        sign_with("Tue Nov 08 01:02:03 UTC 2022")
    assert sign_with("Tue Nov 8 01:02:03 UTC 2022")["ChallengeName"] == "MFA_SETUP"


def test_srp_with_secret_client_needs_the_secret_hash(idp, pool):
    answer = srp_client(idp, pool, "demo", "CogAuth-demo-1", with_secret=True).authenticate_user()
    assert answer["ChallengeName"] == "MFA_SETUP"
    no_secret = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    no_secret.client_id = pool["client_id_with_secret"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        no_secret.authenticate_user()
    assert "SECRET_HASH was not received" in error_of(excinfo)[1]


# --- gap 8: SECRET_HASH and auth flows ------------------------------------------------------


def test_password_auth_with_secret_client_checks_the_secret_hash(idp, pool):
    client_id = pool["client_id_with_secret"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "demo", "PASSWORD": "CogAuth-demo-1"},
        )
    assert error_of(excinfo)[1] == (
        f"Client {client_id} is configured with secret but SECRET_HASH was not received"
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        password_auth(
            idp,
            pool,
            "demo",
            "CogAuth-demo-1",
            with_secret=True,
            SECRET_HASH=secret_hash("demo", client_id, "not-the-secret"),
        )
    assert error_of(excinfo)[1] == f"Unable to verify secret hash for client {client_id}"
    assert (
        password_auth(idp, pool, "demo", "CogAuth-demo-1", with_secret=True)["ChallengeName"]
        == "MFA_SETUP"
    )


def test_challenge_answer_with_secret_client_checks_the_secret_hash(idp, pool):
    client_id = pool["client_id_with_secret"]
    answer = password_auth(idp, pool, "demo", "CogAuth-demo-1", with_secret=True)
    associated = idp.associate_software_token(Session=answer["Session"])
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )

    def finish(**extra):
        return idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={"USERNAME": "demo", **extra},
        )

    with pytest.raises(idp.exceptions.NotAuthorizedException):
        finish()
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        finish(SECRET_HASH=secret_hash("demo", client_id, "not-the-secret"))
    tokens = finish(SECRET_HASH=secret_hash("demo", client_id, pool["client_secret"]))
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_wrong_password_is_refused(idp, pool):
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        password_auth(idp, pool, "demo", "CogAuth-demo-2")
    assert error_of(excinfo)[1] == "Incorrect username or password."


def test_flow_missing_from_explicit_auth_flows_is_refused(idp, pool):
    srp_only = idp.create_user_pool_client(
        UserPoolId=pool["user_pool_id"],
        ClientName="srp-only",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
        idp.initiate_auth(
            ClientId=srp_only,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "demo", "PASSWORD": "CogAuth-demo-1"},
        )
    assert "USER_PASSWORD_AUTH flow not enabled for this client" in error_of(excinfo)[1]
    aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    aws.client_id = srp_only
    assert aws.authenticate_user()["ChallengeName"] == "MFA_SETUP"


# --- fault switches -------------------------------------------------------------------------


def describe(idp, pool):
    return idp.describe_user_pool(UserPoolId=pool["user_pool_id"])


def test_fault_delay_on_a_named_operation(idp, pool):
    set_faults(
        pool["endpoint"],
        faults=[{"action": "delay", "delay_ms": 700, "operation": "DescribeUserPool"}],
    )
    started = time.monotonic()
    describe(idp, pool)
    assert time.monotonic() - started >= 0.7
    started = time.monotonic()
    password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert time.monotonic() - started < 0.5


def test_fault_drop_on_the_nth_call(idp, pool):
    set_faults(
        pool["endpoint"], faults=[{"action": "drop", "operation": "DescribeUserPool", "nth": 2}]
    )
    describe(idp, pool)
    with pytest.raises(
        (botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError)
    ):
        describe(idp, pool)
    describe(idp, pool)
    _, state = control(pool["endpoint"], "faults")
    assert state["faults"][0]["calls"] == 3


def test_fault_http_500_on_every_call(idp, pool):
    set_faults(pool["endpoint"], faults=[{"action": "http500"}])
    for call in (
        lambda: describe(idp, pool),
        lambda: password_auth(idp, pool, "demo", "CogAuth-demo-1"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            call()
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert error_of(excinfo)[0] == "InternalErrorException"
    set_faults(pool["endpoint"], faults=[])
    describe(idp, pool)


def test_fault_throttle_on_the_nth_call_leaves_the_session_usable(idp, pool):
    set_faults(
        pool["endpoint"],
        faults=[{"action": "throttle", "operation": "AssociateSoftwareToken", "nth": 1}],
    )
    session = mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.TooManyRequestsException) as excinfo:
        idp.associate_software_token(Session=session)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert idp.associate_software_token(Session=session)["SecretCode"]


def test_fault_throttle_on_every_call_of_one_operation(idp, pool):
    set_faults(pool["endpoint"], faults=[{"action": "throttle", "operation": "InitiateAuth"}])
    for _ in range(2):
        with pytest.raises(idp.exceptions.TooManyRequestsException):
            password_auth(idp, pool, "demo", "CogAuth-demo-1")
    describe(idp, pool)


def test_reset_clears_faults(emulator, idp, pool):
    set_faults(pool["endpoint"], faults=[{"action": "http500"}], session_validity_seconds=5)
    status, state = control(pool["endpoint"], "reset", {})
    assert status == 200
    assert state == {"faults": [], "session_validity_seconds": 180}
    fresh = seed.seed(emulator["endpoint"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        describe(idp, pool)  # the old pool went with moto's reset
    describe(idp, fresh)


@pytest.mark.parametrize(
    "body",
    [
        {"faults": [{"action": "explode"}]},
        {"faults": [{"action": "delay"}]},
        {"faults": [{"action": "drop", "nth": 0}]},
        {"faults": {"action": "drop"}},
        {"session_validity_seconds": -1},
        {"fault": []},
    ],
)
def test_fault_switch_refuses_malformed_json(pool, body):
    status, answer = control(pool["endpoint"], "faults", body)
    assert status == 400 and answer["error"]
    assert control(pool["endpoint"], "faults")[1]["faults"] == []
