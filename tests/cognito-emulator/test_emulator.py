"""Proves the emulator behaves like Cognito where stock moto does not (README.md, "Gaps").

The emulator runs as a subprocess (once per session) and is reset and re-seeded before every
test. Clients are independent of the emulator's code: boto3, pyotp for codes, and pycognito's
AWSSRP for the SRP math. Run with the venv from setup.sh:

    "$(./setup.sh)/bin/python" -m pytest -q test_emulator.py
"""

from __future__ import annotations

import base64
import email.utils
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
import uuid
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
    """A user of the demo pool, with the email address the pool requires (B6)."""
    email = [{"Name": "email", "Value": f"{name}@example.com"}]
    if temporary:
        idp.admin_create_user(
            UserPoolId=pool["user_pool_id"],
            Username=name,
            TemporaryPassword=password,
            UserAttributes=email,
            MessageAction="SUPPRESS",
        )
    else:
        idp.admin_create_user(
            UserPoolId=pool["user_pool_id"],
            Username=name,
            UserAttributes=email,
            MessageAction="SUPPRESS",
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


def user_auth(idp, pool, client_key: str = "client_id_user_auth_only", **parameters):
    """InitiateAuth USER_AUTH (B11) with AuthParameters `parameters`."""
    return idp.initiate_auth(
        ClientId=pool[client_key], AuthFlow="USER_AUTH", AuthParameters=parameters
    )


def respond_user_auth(idp, pool, name: str, session: str, **responses):
    """RespondToAuthChallenge on the client that allows USER_AUTH only."""
    return idp.respond_to_auth_challenge(
        ClientId=pool["client_id_user_auth_only"],
        ChallengeName=name,
        Session=session,
        ChallengeResponses=responses,
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
    assert users["newbie-attrs"]["status"] == "FORCE_CHANGE_PASSWORD"
    assert users["newbie-attrs"]["required_attributes"] == ["email"]
    client_ids = {
        line[key]
        for key in (
            "client_id",
            "client_id_with_secret",
            "client_id_legacy_errors",
            "client_id_user_auth_only",
        )
    }
    assert len(client_ids) == 4
    no_totp = line["no_totp"]
    assert no_totp["user_pool_id"].startswith("us-east-1_")
    assert no_totp["user_pool_id"] != line["user_pool_id"]
    assert no_totp["client_id"] not in client_ids
    assert no_totp["users"] == [
        {"name": "sms-demo", "password": "CogAuth-sms-1", "status": "CONFIRMED"}
    ]
    assert line["faults_url"] == line["endpoint"] + "/cogauth-emulator/faults"


def describe_client(idp, pool, key: str) -> dict:
    return idp.describe_user_pool_client(UserPoolId=pool["user_pool_id"], ClientId=pool[key])[
        "UserPoolClient"
    ]


def test_seeded_clients_allow_the_three_flows(idp, pool):
    for key, existence_errors in (
        ("client_id", "ENABLED"),
        ("client_id_with_secret", "ENABLED"),
        ("client_id_legacy_errors", "LEGACY"),
    ):
        described = describe_client(idp, pool, key)
        assert set(described["ExplicitAuthFlows"]) == {
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        }
        assert described["PreventUserExistenceErrors"] == existence_errors, key
    # The pinned moto keeps ALLOW_USER_AUTH as given (B11).
    described = describe_client(idp, pool, "client_id_user_auth_only")
    assert described["ExplicitAuthFlows"] == ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert described["PreventUserExistenceErrors"] == "ENABLED"
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


def mfa_answer(idp, pool, session: str, username: str, code: str):
    return respond(idp, pool, "SOFTWARE_TOKEN_MFA", session, username, SOFTWARE_TOKEN_MFA_CODE=code)


def skip_steps(pool, steps: int) -> None:
    """Move the emulator's clock `steps` TOTP steps ahead (B12), instead of waiting."""
    set_faults(pool["endpoint"], clock_offset_seconds=steps * STEP)


def mfa_settings(idp, access_token: str) -> tuple[list[str], str]:
    user = idp.get_user(AccessToken=access_token)
    return user.get("UserMFASettingList", []), user.get("PreferredMfaSetting", "")


# --- B3: a new Associate suspends the verified token ----------------------------------------


def test_associate_suspends_the_verified_token_on_an_optional_pool(idp, pool):
    step = steady_clock(margin=8)
    old_secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool["user_pool_id"],
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    assert password_auth(idp, pool, "demo", "CogAuth-demo-1")["ChallengeName"] == (
        "SOFTWARE_TOKEN_MFA"
    )
    associated = idp.associate_software_token(AccessToken=tokens["AccessToken"])
    new_secret = associated["SecretCode"]
    assert "Session" not in associated
    assert new_secret != old_secret and len(base64.b32decode(new_secret)) == 20

    # Suspended: the password alone signs in, GetUser lists no TOTP, TOTP cannot be enabled.
    answer = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert "AccessToken" in answer["AuthenticationResult"]
    assert mfa_settings(idp, tokens["AccessToken"]) == ([], "")
    with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
        idp.set_user_mfa_preference(
            AccessToken=tokens["AccessToken"],
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
    assert error_of(excinfo)[1] == "User has not verified software token mfa"

    # Verified: the new secret is asked for again, with the preference the user had.
    verified = idp.verify_software_token(
        AccessToken=tokens["AccessToken"], UserCode=code_at(new_secret, step)
    )
    assert verified["Status"] == "SUCCESS" and "Session" not in verified
    assert mfa_settings(idp, tokens["AccessToken"]) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )
    skip_steps(pool, 1)
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        mfa_answer(idp, pool, challenge["Session"], "demo", code_at(old_secret, step + 1))
    answer = mfa_answer(idp, pool, challenge["Session"], "demo", code_at(new_secret, step + 1))
    assert "AccessToken" in answer["AuthenticationResult"]


def test_associate_suspends_the_verified_token_on_a_pool_that_requires_mfa(idp, pool):
    step = steady_clock(margin=8)
    old_secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    idp.associate_software_token(AccessToken=tokens["AccessToken"])

    # Suspended: every sign-in, password or SRP, answers MFA_SETUP ...
    assert srp_client(idp, pool, "demo", "CogAuth-demo-1").authenticate_user()["ChallengeName"] == (
        "MFA_SETUP"
    )
    answer = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert answer["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'

    # ... whose enrolment replaces the token.
    associated = idp.associate_software_token(Session=answer["Session"])
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], step)
    )
    assert (
        "AccessToken"
        in respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")["AuthenticationResult"]
    )
    skip_steps(pool, 1)
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        mfa_answer(idp, pool, challenge["Session"], "demo", code_at(old_secret, step + 1))
    new_code = code_at(associated["SecretCode"], step + 1)
    assert (
        "AccessToken"
        in mfa_answer(idp, pool, challenge["Session"], "demo", new_code)["AuthenticationResult"]
    )


# --- gap 2 and B1, B2: codes ----------------------------------------------------------------


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
    "offset,accepted", [(-2, False), (-1, True), (0, True), (1, False), (2, False)]
)
def test_verify_accepts_the_current_and_the_previous_step_only(idp, pool, offset, accepted):
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


@pytest.mark.parametrize(
    "offset,accepted", [(-2, False), (-1, True), (0, True), (1, False), (2, False)]
)
def test_mfa_answer_accepts_the_current_and_the_previous_step_only(idp, pool, offset, accepted):
    step = steady_clock(margin=8)
    secret, _ = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    # Two steps on, the emulator's now and the step before it are both unspent.
    skip_steps(pool, 2)
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    code = code_at(secret, step + 2 + offset)
    if accepted:
        answer = mfa_answer(idp, pool, challenge["Session"], "demo", code)
        assert "AccessToken" in answer["AuthenticationResult"]
    else:
        with pytest.raises(idp.exceptions.CodeMismatchException) as excinfo:
            mfa_answer(idp, pool, challenge["Session"], "demo", code)
        assert error_of(excinfo)[1] == "Invalid code or auth state for the user."


def test_the_next_steps_code_is_accepted_only_with_the_switch(idp, pool):
    step = steady_clock(margin=8)
    secret, _ = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.CodeMismatchException):
        mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step + 1))

    set_faults(pool["endpoint"], accept_future_step=True)
    assert control(pool["endpoint"], "faults")[1]["accept_future_step"] is True
    answer = mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step + 1))
    assert "AccessToken" in answer["AuthenticationResult"]
    # VerifySoftwareToken too.
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, *add_user(idp, pool, "carol"))
    )
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], step + 1)
    )
    assert verified["Status"] == "SUCCESS"

    status, state = control(pool["endpoint"], "reset", {})
    assert status == 200 and state["accept_future_step"] is False


def test_full_enrolment_then_sign_in_with_software_token_mfa(idp, pool):
    step = steady_clock(margin=8)
    secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step - 1)
    assert mfa_settings(idp, tokens["AccessToken"]) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )

    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    with pytest.raises(idp.exceptions.CodeMismatchException):
        mfa_answer(idp, pool, challenge["Session"], "demo", other_code(secret, step))
    # A mistyped code does not spend the session.
    answer = mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step))
    assert (
        idp.get_user(AccessToken=answer["AuthenticationResult"]["AccessToken"])["Username"]
        == "demo"
    )

    # SRP reaches the same challenge.
    with pytest.raises(SoftwareTokenMFAChallengeException) as excinfo:
        srp_client(idp, pool, "demo", "CogAuth-demo-1").authenticate_user()
    assert excinfo.value.get_tokens()["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_seeded_enrolled_user_signs_in_with_the_current_code(idp, pool):
    secret = next(u["totp_secret"] for u in pool["users"] if u["name"] == "enrolled")
    challenge = password_auth(idp, pool, "enrolled", "CogAuth-enrolled-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = mfa_answer(idp, pool, challenge["Session"], "enrolled", code_at(secret, now_step()))
    assert "AccessToken" in answer["AuthenticationResult"]


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
    idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step - 1))
    idp.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step))
    assert "AccessToken" in answer["AuthenticationResult"]


def test_a_code_already_used_is_refused(idp, pool):
    step = steady_clock(margin=8)
    secret, _ = enrol(idp, pool, "demo", "CogAuth-demo-1", step)

    # The code that verified the token cannot sign in, nor can an older one.
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    for spent in (step, step - 1):
        with pytest.raises(idp.exceptions.ExpiredCodeException) as excinfo:
            mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, spent))
        assert error_of(excinfo)[1] == "Your software token has already been used once."
    # The next step's code signs in once the emulator's clock reaches that step ...
    skip_steps(pool, 1)
    mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step + 1))
    # ... and only once.
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        mfa_answer(idp, pool, challenge["Session"], "demo", code_at(secret, step + 1))


def test_verify_refuses_a_step_the_user_already_spent(idp, pool):
    step = steady_clock(margin=8)
    secret, tokens = enrol(idp, pool, "demo", "CogAuth-demo-1", step)
    # Verifying the same token again with the code that verified it: used.
    with pytest.raises(idp.exceptions.ExpiredCodeException) as excinfo:
        idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step))
    assert error_of(excinfo) == (
        "ExpiredCodeException",
        "Your software token has already been used once.",
    )
    # A new token's codes of the spent steps: used as well (steps are spent per user).
    new_secret = idp.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    for spent in (step, step - 1):
        with pytest.raises(idp.exceptions.ExpiredCodeException):
            idp.verify_software_token(
                AccessToken=tokens["AccessToken"], UserCode=code_at(new_secret, spent)
            )
    skip_steps(pool, 1)
    verified = idp.verify_software_token(
        AccessToken=tokens["AccessToken"], UserCode=code_at(new_secret, step + 1)
    )
    assert verified["Status"] == "SUCCESS"


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


# --- B6, B7: NEW_PASSWORD_REQUIRED's required attributes and password policy ----------------


def attributes_of(idp, pool, username: str) -> dict[str, str]:
    user = idp.admin_get_user(UserPoolId=pool["user_pool_id"], Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def test_new_password_required_lists_no_required_attribute_the_user_has(idp, pool):
    parameters = password_auth(idp, pool, "newbie", "Temp-pass-1")["ChallengeParameters"]
    assert parameters["requiredAttributes"] == "[]"
    assert json.loads(parameters["userAttributes"]) == {"email": "newbie@example.com"}


def test_new_password_required_asks_for_missing_required_attributes(idp, pool):
    first = password_auth(idp, pool, "newbie-attrs", "Temp-pass-2")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    parameters = first["ChallengeParameters"]
    assert parameters["requiredAttributes"] == '["userAttributes.email"]'
    assert json.loads(parameters["userAttributes"]) == {}
    # SRP reaches the same challenge with the same parameters.
    aws = srp_client(idp, pool, "newbie-attrs", "Temp-pass-2")
    _, responses = srp_answer(idp, aws)
    via_srp = verify_password_claim(idp, aws, responses)
    assert via_srp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert via_srp["ChallengeParameters"]["requiredAttributes"] == '["userAttributes.email"]'

    with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
        respond(
            idp,
            pool,
            "NEW_PASSWORD_REQUIRED",
            first["Session"],
            "newbie-attrs",
            NEW_PASSWORD="CogAuth-attrs-2",
        )
    assert error_of(excinfo)[1] == "Invalid attributes given, email is missing"
    # The refusal left the session usable.
    changed = respond(
        idp,
        pool,
        "NEW_PASSWORD_REQUIRED",
        first["Session"],
        "newbie-attrs",
        NEW_PASSWORD="CogAuth-attrs-2",
        **{"userAttributes.email": "attrs@example.com"},
    )
    assert changed["ChallengeName"] == "MFA_SETUP"
    assert attributes_of(idp, pool, "newbie-attrs")["email"] == "attrs@example.com"


WEAK_PASSWORDS = [
    ("Ab-1", "Password not long enough"),
    ("cogauth-newbie-2", "Password must have uppercase characters"),
    ("COGAUTH-NEWBIE-2", "Password must have lowercase characters"),
    ("CogAuth-newbie-x", "Password must have numeric characters"),
    ("CogAuthNewbie22", "Password must have symbol characters"),
]


def test_weak_new_password_is_refused_and_the_session_stays_usable(idp, pool):
    first = password_auth(idp, pool, "newbie", "Temp-pass-1")
    for weak, reason in WEAK_PASSWORDS:
        with pytest.raises(idp.exceptions.InvalidPasswordException) as excinfo:
            respond(
                idp, pool, "NEW_PASSWORD_REQUIRED", first["Session"], "newbie", NEW_PASSWORD=weak
            )
        assert error_of(excinfo)[1] == f"Password does not conform to policy: {reason}", weak
    changed = respond(
        idp,
        pool,
        "NEW_PASSWORD_REQUIRED",
        first["Session"],
        "newbie",
        NEW_PASSWORD="CogAuth-newbie-2",
    )
    assert changed["ChallengeName"] == "MFA_SETUP"
    # The temporary password is gone, the new one works.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        password_auth(idp, pool, "newbie", "Temp-pass-1")
    assert password_auth(idp, pool, "newbie", "CogAuth-newbie-2")["ChallengeName"] == "MFA_SETUP"


def test_sign_up_with_a_weak_password_gets_sign_ups_wording(idp, pool):
    with pytest.raises(idp.exceptions.InvalidPasswordException) as excinfo:
        idp.sign_up(ClientId=pool["client_id"], Username="frank", Password="cogauth-frank-1")
    assert error_of(excinfo)[1] == (
        "Password did not conform with policy: Password must have uppercase characters"
    )


# --- B8: a pool that offers SMS MFA but no TOTP ---------------------------------------------


def test_pool_without_totp_offers_sms_setup_and_refuses_software_tokens(idp, pool):
    no_totp = pool["no_totp"]
    user = no_totp["users"][0]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=no_totp["user_pool_id"])
    assert mfa["MfaConfiguration"] == "ON"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": False}
    assert mfa["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"]

    answer = idp.initiate_auth(
        ClientId=no_totp["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["name"], "PASSWORD": user["password"]},
    )
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert answer["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SMS_MFA"]'
    for _ in range(2):  # the refusal does not spend the session
        with pytest.raises(idp.exceptions.SoftwareTokenMFANotFoundException) as excinfo:
            idp.associate_software_token(Session=answer["Session"])
        assert error_of(excinfo)[1] == "Software Token MFA is not enabled for the user pool."


def test_enabling_totp_without_a_verified_token_is_refused(idp, pool):
    idp.set_user_pool_mfa_config(
        UserPoolId=pool["user_pool_id"],
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    tokens = password_auth(idp, pool, "demo", "CogAuth-demo-1")["AuthenticationResult"]
    for _ in ("before Associate", "after Associate, before Verify"):
        with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
            idp.set_user_mfa_preference(
                AccessToken=tokens["AccessToken"],
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
        assert error_of(excinfo)[1] == "User has not verified software token mfa"
        idp.associate_software_token(AccessToken=tokens["AccessToken"])
    assert mfa_settings(idp, tokens["AccessToken"]) == ([], "")


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


# --- gap 8 and B9: SECRET_HASH, auth flows, app clients -----------------------------------


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


def test_each_flow_needs_its_explicit_auth_flow(idp, pool):
    aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
        user_auth(idp, pool, "client_id", USERNAME="demo")
    assert error_of(excinfo)[1] == "USER_AUTH flow not enabled for this client"
    for flow, parameters in (
        ("USER_PASSWORD_AUTH", {"USERNAME": "demo", "PASSWORD": "CogAuth-demo-1"}),
        ("USER_SRP_AUTH", aws.get_auth_params()),
    ):
        with pytest.raises(idp.exceptions.InvalidParameterException) as excinfo:
            idp.initiate_auth(
                ClientId=pool["client_id_user_auth_only"],
                AuthFlow=flow,
                AuthParameters=parameters,
            )
        assert error_of(excinfo)[1] == f"{flow} flow not enabled for this client"


def test_unknown_client_id_is_resource_not_found(idp, pool):
    unknown = "0nosuchclient0000000000000"
    calls = (
        lambda: idp.initiate_auth(
            ClientId=unknown,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "demo", "PASSWORD": "CogAuth-demo-1"},
        ),
        lambda: idp.respond_to_auth_challenge(
            ClientId=unknown,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=BOGUS_SESSION,
            ChallengeResponses={"USERNAME": "demo", "SOFTWARE_TOKEN_MFA_CODE": "123456"},
        ),
        lambda: idp.admin_initiate_auth(
            UserPoolId=pool["user_pool_id"],
            ClientId=unknown,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "demo", "PASSWORD": "CogAuth-demo-1"},
        ),
    )
    for call in calls:
        with pytest.raises(idp.exceptions.ResourceNotFoundException) as excinfo:
            call()
        assert error_of(excinfo)[1] == f"User pool client {unknown} does not exist."


# --- B5: PreventUserExistenceErrors ---------------------------------------------------------


def test_unknown_user_with_prevent_user_existence_errors_enabled(idp, pool):
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        password_auth(idp, pool, "nobody", "Whatever-pass-1")
    assert error_of(excinfo)[1] == "Incorrect username or password."

    # SRP: a simulated challenge (the same salt and UUID for the same name) whose answer
    # fails like a wrong password.
    aws = srp_client(idp, pool, "nobody", "Whatever-pass-1")
    challenge, responses = srp_answer(idp, aws)
    parameters = challenge["ChallengeParameters"]
    assert str(uuid.UUID(parameters["USER_ID_FOR_SRP"])) == parameters["USER_ID_FOR_SRP"]
    again, _ = srp_answer(idp, srp_client(idp, pool, "nobody", "Other-pass-1"))
    assert again["ChallengeParameters"]["SALT"] == parameters["SALT"]
    assert again["ChallengeParameters"]["USER_ID_FOR_SRP"] == parameters["USER_ID_FOR_SRP"]
    assert again["ChallengeParameters"]["SRP_B"] != parameters["SRP_B"]
    other, _ = srp_answer(idp, srp_client(idp, pool, "somebody", "Whatever-pass-1"))
    assert other["ChallengeParameters"]["USER_ID_FOR_SRP"] != parameters["USER_ID_FOR_SRP"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        verify_password_claim(idp, aws, responses)
    assert error_of(excinfo)[1] == "Incorrect username or password."

    # USER_AUTH: the same choice as for a real user; the password fails, SRP is simulated.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        user_auth(idp, pool, USERNAME="nobody", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="x")
    assert error_of(excinfo)[1] == "Incorrect username or password."
    first = user_auth(idp, pool, USERNAME="nobody")
    assert first["ChallengeName"] == "SELECT_CHALLENGE"
    assert first["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    verifier = respond_user_auth(
        idp,
        pool,
        "SELECT_CHALLENGE",
        first["Session"],
        USERNAME="nobody",
        ANSWER="PASSWORD_SRP",
        SRP_A=aws.get_auth_params()["SRP_A"],
    )
    assert verifier["ChallengeParameters"]["USER_ID_FOR_SRP"] == parameters["USER_ID_FOR_SRP"]
    responses = aws.process_challenge(verifier["ChallengeParameters"], aws.get_auth_params())
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        respond_user_auth(idp, pool, "PASSWORD_VERIFIER", verifier["Session"], **responses)
    assert error_of(excinfo)[1] == "Incorrect username or password."


def test_unknown_user_with_legacy_errors_is_user_not_found(idp, pool):
    client_id = pool["client_id_legacy_errors"]
    with pytest.raises(idp.exceptions.UserNotFoundException) as excinfo:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "nobody", "PASSWORD": "Whatever-pass-1"},
        )
    assert error_of(excinfo)[1] == "User does not exist."
    aws = srp_client(idp, pool, "nobody", "Whatever-pass-1")
    aws.client_id = client_id
    with pytest.raises(idp.exceptions.UserNotFoundException) as excinfo:
        aws.authenticate_user()
    assert error_of(excinfo)[1] == "User does not exist."
    # A wrong password is refused alike under both settings.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "demo", "PASSWORD": "CogAuth-demo-2"},
        )
    assert error_of(excinfo)[1] == "Incorrect username or password."


# --- B11: choice-based sign-in (USER_AUTH) --------------------------------------------------


def test_user_auth_with_preferred_password_srp(idp, pool):
    aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    auth_params = aws.get_auth_params()
    challenge = user_auth(
        idp,
        pool,
        USERNAME="demo",
        PREFERRED_CHALLENGE="PASSWORD_SRP",
        SRP_A=auth_params["SRP_A"],
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert 20 <= len(challenge["Session"]) <= 2048
    responses = aws.process_challenge(challenge["ChallengeParameters"], auth_params)
    # The Session that came with the challenge must come back with the answer.
    for wrong in (None, BOGUS_SESSION):
        with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
            idp.respond_to_auth_challenge(
                ClientId=pool["client_id_user_auth_only"],
                ChallengeName="PASSWORD_VERIFIER",
                ChallengeResponses=responses,
                **({"Session": wrong} if wrong else {}),
            )
        assert error_of(excinfo)[1] == "Invalid session for the user."
    answer = respond_user_auth(idp, pool, "PASSWORD_VERIFIER", challenge["Session"], **responses)
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert answer["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'


def test_user_auth_with_preferred_password_continues_like_password_auth(idp, pool):
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        user_auth(idp, pool, USERNAME="demo", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Nope-1")
    assert error_of(excinfo)[1] == "Incorrect username or password."
    answer = user_auth(
        idp, pool, USERNAME="demo", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="CogAuth-demo-1"
    )
    assert answer["ChallengeName"] == "MFA_SETUP"
    answer = user_auth(
        idp, pool, USERNAME="newbie", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Temp-pass-1"
    )
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    secret = next(u["totp_secret"] for u in pool["users"] if u["name"] == "enrolled")
    step = steady_clock()
    challenge = user_auth(
        idp,
        pool,
        USERNAME="enrolled",
        PREFERRED_CHALLENGE="PASSWORD",
        PASSWORD="CogAuth-enrolled-1",
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    tokens = respond_user_auth(
        idp,
        pool,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        USERNAME="enrolled",
        SOFTWARE_TOKEN_MFA_CODE=code_at(secret, step),
    )
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_user_auth_without_preference_offers_a_choice(idp, pool):
    first = user_auth(idp, pool, USERNAME="demo")
    assert first["ChallengeName"] == "SELECT_CHALLENGE"
    assert first["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    with pytest.raises(idp.exceptions.InvalidParameterException):
        respond_user_auth(
            idp, pool, "SELECT_CHALLENGE", first["Session"], USERNAME="demo", ANSWER="EMAIL_OTP"
        )

    # ANSWER PASSWORD_SRP: PASSWORD_VERIFIER, then as USER_SRP_AUTH.
    aws = srp_client(idp, pool, "demo", "CogAuth-demo-1")
    auth_params = aws.get_auth_params()
    verifier = respond_user_auth(
        idp,
        pool,
        "SELECT_CHALLENGE",
        first["Session"],
        USERNAME="demo",
        ANSWER="PASSWORD_SRP",
        SRP_A=auth_params["SRP_A"],
    )
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = aws.process_challenge(verifier["ChallengeParameters"], auth_params)
    answer = respond_user_auth(idp, pool, "PASSWORD_VERIFIER", verifier["Session"], **responses)
    assert answer["ChallengeName"] == "MFA_SETUP"
    # The choice spent the SELECT_CHALLENGE session.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        respond_user_auth(
            idp,
            pool,
            "SELECT_CHALLENGE",
            first["Session"],
            USERNAME="demo",
            ANSWER="PASSWORD",
            PASSWORD="CogAuth-demo-1",
        )
    assert error_of(excinfo)[1] == "Invalid session for the user, session can only be used once."

    # ANSWER PASSWORD: the password step.
    second = user_auth(idp, pool, USERNAME="demo")
    answer = respond_user_auth(
        idp,
        pool,
        "SELECT_CHALLENGE",
        second["Session"],
        USERNAME="demo",
        ANSWER="PASSWORD",
        PASSWORD="CogAuth-demo-1",
    )
    assert answer["ChallengeName"] == "MFA_SETUP"


# --- fault switches, B10 ---------------------------------------------------------------------


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


def test_fault_http_500_answers_cognitos_internal_error_json(pool):
    set_faults(pool["endpoint"], faults=[{"action": "http500", "operation": "DescribeUserPool"}])
    request = urllib.request.Request(
        pool["endpoint"] + "/",
        data=json.dumps({"UserPoolId": pool["user_pool_id"]}).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.DescribeUserPool",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request, timeout=10)
    answer = excinfo.value
    assert answer.code == 500
    assert answer.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert answer.headers["x-amzn-ErrorType"] == "InternalErrorException"
    assert answer.headers["Date"]
    body = json.load(answer)
    assert body["__type"] == "InternalErrorException"
    assert set(body) == {"__type", "message"} and body["message"]


# --- B4: lost answers -----------------------------------------------------------------------


LOST = (botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError)


def lose_reply_of(pool, operation: str | None = None) -> None:
    fault: dict[str, Any] = {"action": "lose_reply"}
    if operation:
        fault["operation"] = operation
    set_faults(pool["endpoint"], faults=[fault])


def test_lost_verify_answer_still_verified_the_token(idp, pool):
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    code = code_at(associated["SecretCode"], steady_clock())
    lose_reply_of(pool, "VerifySoftwareToken")
    with pytest.raises(LOST):
        idp.verify_software_token(Session=associated["Session"], UserCode=code)
    set_faults(pool["endpoint"], faults=[])
    # The retry finds the session spent ...
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        idp.verify_software_token(Session=associated["Session"], UserCode=code)
    assert error_of(excinfo)[1] == "Invalid session for the user, session can only be used once."
    # ... and the user enrolled: sign-in asks for the code, whose step is spent.
    challenge = password_auth(idp, pool, "demo", "CogAuth-demo-1")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        mfa_answer(idp, pool, challenge["Session"], "demo", code)


def test_lost_verify_answer_with_access_token_makes_the_retry_expired(idp, pool):
    idp.set_user_pool_mfa_config(
        UserPoolId=pool["user_pool_id"],
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    tokens = password_auth(idp, pool, "demo", "CogAuth-demo-1")["AuthenticationResult"]
    secret = idp.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    step = steady_clock()
    lose_reply_of(pool, "VerifySoftwareToken")
    with pytest.raises(LOST):
        idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step))
    set_faults(pool["endpoint"], faults=[])
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step))
    # The token is verified: TOTP can be switched on, and a later step verifies it again.
    idp.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True}
    )
    skip_steps(pool, 1)
    again = idp.verify_software_token(
        AccessToken=tokens["AccessToken"], UserCode=code_at(secret, step + 1)
    )
    assert again["Status"] == "SUCCESS"


def test_lost_mfa_answer_spent_the_session_and_the_code(idp, pool):
    secret = next(u["totp_secret"] for u in pool["users"] if u["name"] == "enrolled")
    code = code_at(secret, steady_clock())
    challenge = password_auth(idp, pool, "enrolled", "CogAuth-enrolled-1")
    lose_reply_of(pool, "RespondToAuthChallenge")
    with pytest.raises(LOST):
        mfa_answer(idp, pool, challenge["Session"], "enrolled", code)
    set_faults(pool["endpoint"], faults=[])
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        mfa_answer(idp, pool, challenge["Session"], "enrolled", code)
    assert error_of(excinfo)[1] == "Invalid session for the user, session can only be used once."
    challenge = password_auth(idp, pool, "enrolled", "CogAuth-enrolled-1")
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        mfa_answer(idp, pool, challenge["Session"], "enrolled", code)


def test_lost_set_user_mfa_preference_answer_still_set_it(idp, pool):
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(associated["SecretCode"], steady_clock())
    )
    tokens = respond(idp, pool, "MFA_SETUP", verified["Session"], "demo")["AuthenticationResult"]
    assert mfa_settings(idp, tokens["AccessToken"]) == ([], "")
    lose_reply_of(pool, "SetUserMFAPreference")
    with pytest.raises(LOST):
        idp.set_user_mfa_preference(
            AccessToken=tokens["AccessToken"],
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
    set_faults(pool["endpoint"], faults=[])
    assert mfa_settings(idp, tokens["AccessToken"]) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )


def test_lose_reply_works_for_any_operation(idp, pool):
    lose_reply_of(pool)
    with pytest.raises(LOST):
        idp.admin_create_user(
            UserPoolId=pool["user_pool_id"], Username="erin", MessageAction="SUPPRESS"
        )
    _, state = control(pool["endpoint"], "faults")
    assert state["faults"][0]["calls"] == 1
    set_faults(pool["endpoint"], faults=[])
    assert idp.admin_get_user(UserPoolId=pool["user_pool_id"], Username="erin")["Username"] == (
        "erin"
    )


# --- B12: the emulator's clock --------------------------------------------------------------


def date_of(response: dict) -> float:
    header = response["ResponseMetadata"]["HTTPHeaders"]["date"]
    return email.utils.parsedate_to_datetime(header).timestamp()


def test_date_header_follows_the_clock_offset(idp, pool):
    assert abs(date_of(describe(idp, pool)) - time.time()) < 3
    set_faults(pool["endpoint"], clock_offset_seconds=-7200)
    assert abs(date_of(describe(idp, pool)) - (time.time() - 7200)) < 3
    # Error answers carry it as well.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as excinfo:
        password_auth(idp, pool, "demo", "CogAuth-demo-2")
    assert abs(date_of(excinfo.value.response) - (time.time() - 7200)) < 3

    status, state = control(pool["endpoint"], "reset", {})
    assert status == 200 and state["clock_offset_seconds"] == 0
    assert abs(date_of(describe(idp, seed.seed(pool["endpoint"]))) - time.time()) < 3


def test_codes_are_checked_against_the_shifted_clock(idp, pool):
    # A client whose clock is 90 s behind the server's.
    set_faults(pool["endpoint"], clock_offset_seconds=3 * STEP)
    associated = idp.associate_software_token(
        Session=mfa_setup_session(idp, pool, "demo", "CogAuth-demo-1")
    )
    secret = associated["SecretCode"]
    step = steady_clock()
    with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
        idp.verify_software_token(Session=associated["Session"], UserCode=code_at(secret, step))
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=code_at(secret, step + 3)
    )
    assert verified["Status"] == "SUCCESS"


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
    set_faults(
        pool["endpoint"],
        faults=[{"action": "http500"}],
        session_validity_seconds=5,
        accept_future_step=True,
        clock_offset_seconds=-30,
    )
    status, state = control(pool["endpoint"], "reset", {})
    assert status == 200
    assert state == {
        "faults": [],
        "session_validity_seconds": 180,
        "accept_future_step": False,
        "clock_offset_seconds": 0,
    }
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
        {"faults": [{"action": "lose_reply", "delay_ms": 5}]},
        {"accept_future_step": 1},
        {"accept_future_step": "yes"},
        {"clock_offset_seconds": "60"},
        {"clock_offset_seconds": True},
        {"clock_offset_seconds": 1e12},
    ],
)
def test_fault_switch_refuses_malformed_json(pool, body):
    status, answer = control(pool["endpoint"], "faults", body)
    assert status == 400 and answer["error"]
    assert control(pool["endpoint"], "faults")[1]["faults"] == []
