"""The demo pools, created through the emulator's own HTTP API with boto3.

Going through the API (not moto's models) keeps --seed-only working against any running
emulator, and the enrolment of `enrolled` doubles as a smoke test of the patched flow.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
from botocore.config import Config

from .patches import TOTP_STEP_SECONDS, totp_code

REGION = "us-east-1"
POOL_NAME = "cogauth-demo"
NO_TOTP_POOL_NAME = "cogauth-demo-sms-only"
AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
USER_AUTH_FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# The demo pool requires an email address, so that NEW_PASSWORD_REQUIRED can ask for it.
SCHEMA = [{"Name": "email", "AttributeDataType": "String", "Mutable": True, "Required": True}]
# SMS MFA needs an SNS role; nothing is ever sent, the ARN only has to be well formed.
SMS_CONFIGURATION = {
    "SnsCallerArn": "arn:aws:iam::123456789012:role/cogauth-demo-sms",
    "ExternalId": "cogauth-demo",
}

DEMO = ("demo", "CogAuth-demo-1")  # confirmed, no MFA yet: first sign-in answers MFA_SETUP
NEWBIE = ("newbie", "Temp-pass-1")  # temporary password: NEW_PASSWORD_REQUIRED first
NEWBIE_EMAIL = "newbie@example.com"  # has the required email, so nothing else is asked
NEWBIE_ATTRS = ("newbie-attrs", "Temp-pass-2")  # like newbie, but must also give an email
ENROLLED = ("enrolled", "CogAuth-enrolled-1")  # TOTP enabled and preferred; secret printed
SMS_DEMO = ("sms-demo", "CogAuth-sms-1")  # in the pool without TOTP: MFA_SETUP offers SMS


def client(endpoint: str) -> Any:
    """A boto3 Cognito client for the emulator (dummy credentials, no retries)."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


def seed(endpoint: str) -> dict[str, Any]:
    """Create the demo pools, clients and users; return the description run.py prints."""
    idp = client(endpoint)
    pool_id = idp.create_user_pool(PoolName=POOL_NAME, Schema=SCHEMA)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    # The console's default for PreventUserExistenceErrors, ENABLED, on the demo clients; the
    # API's default, LEGACY, on one more client.
    public = _app_client(idp, pool_id, "cogauth-demo", AUTH_FLOWS, "ENABLED")
    confidential = _app_client(
        idp, pool_id, "cogauth-demo-with-secret", AUTH_FLOWS, "ENABLED", GenerateSecret=True
    )
    legacy = _app_client(idp, pool_id, "cogauth-demo-legacy-errors", AUTH_FLOWS, "LEGACY")
    user_auth = _app_client(idp, pool_id, "cogauth-demo-user-auth", USER_AUTH_FLOWS, "ENABLED")

    for name, password in (DEMO, ENROLLED):
        _confirmed_user(idp, pool_id, name, password)
    for (name, password), attributes in (
        (NEWBIE, [{"Name": "email", "Value": NEWBIE_EMAIL}]),
        (NEWBIE_ATTRS, []),
    ):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            TemporaryPassword=password,
            UserAttributes=attributes,
            MessageAction="SUPPRESS",
        )
    secret = _enrol(idp, public["ClientId"], *ENROLLED)

    return {
        "endpoint": endpoint,
        "region": REGION,
        "user_pool_id": pool_id,
        "client_id": public["ClientId"],
        "client_id_with_secret": confidential["ClientId"],
        "client_secret": confidential["ClientSecret"],
        "client_id_legacy_errors": legacy["ClientId"],
        "client_id_user_auth_only": user_auth["ClientId"],
        "users": [
            {"name": DEMO[0], "password": DEMO[1], "status": "CONFIRMED"},
            {"name": NEWBIE[0], "password": NEWBIE[1], "status": "FORCE_CHANGE_PASSWORD"},
            {
                "name": ENROLLED[0],
                "password": ENROLLED[1],
                "status": "CONFIRMED",
                "totp_secret": secret,
            },
            {
                "name": NEWBIE_ATTRS[0],
                "password": NEWBIE_ATTRS[1],
                "status": "FORCE_CHANGE_PASSWORD",
                "required_attributes": ["email"],
            },
        ],
        "no_totp": _seed_no_totp_pool(idp),
    }


def _seed_no_totp_pool(idp: Any) -> dict[str, Any]:
    """A pool that requires MFA but offers SMS only, no TOTP."""
    pool_id = idp.create_user_pool(PoolName=NO_TOTP_POOL_NAME)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SmsMfaConfiguration={"SmsConfiguration": SMS_CONFIGURATION},
        SoftwareTokenMfaConfiguration={"Enabled": False},
        MfaConfiguration="ON",
    )
    app = _app_client(idp, pool_id, "cogauth-demo-sms-only", AUTH_FLOWS, "ENABLED")
    _confirmed_user(idp, pool_id, *SMS_DEMO)
    return {
        "user_pool_id": pool_id,
        "client_id": app["ClientId"],
        "users": [{"name": SMS_DEMO[0], "password": SMS_DEMO[1], "status": "CONFIRMED"}],
    }


def _app_client(
    idp: Any, pool_id: str, name: str, flows: list[str], existence_errors: str, **extra: Any
) -> dict[str, Any]:
    return idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=name,
        ExplicitAuthFlows=flows,
        PreventUserExistenceErrors=existence_errors,
        **extra,
    )["UserPoolClient"]


def _confirmed_user(idp: Any, pool_id: str, name: str, password: str) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=password, Permanent=True
    )


def _enrol(idp: Any, client_id: str, username: str, password: str) -> str:
    """The MFA_SETUP enrolment a user of the app goes through; returns the TOTP secret.

    It is verified with the previous step's code (still accepted for a short time), so the
    current step stays unspent and the user can sign in at once with the current code, as
    with real Cognito a user who enrolled 30 s earlier could.
    """
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    associated = idp.associate_software_token(Session=answer["Session"])
    secret = associated["SecretCode"]
    verified = _verify_with_previous_step(idp, associated["Session"], secret)
    tokens = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": username},
    )["AuthenticationResult"]
    idp.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    return secret


def _verify_with_previous_step(idp: Any, session: str, secret: str) -> dict[str, Any]:
    """VerifySoftwareToken with the code of the step before the current one."""
    try:
        return _verify_at(idp, session, secret, int(time.time()) // TOTP_STEP_SECONDS - 1)
    except idp.exceptions.EnableSoftwareTokenMFAException:
        # A step boundary passed between computing the code and its check (a wrong code
        # leaves the session usable): once more with the new previous step.
        return _verify_at(idp, session, secret, int(time.time()) // TOTP_STEP_SECONDS - 1)


def _verify_at(idp: Any, session: str, secret: str, step: int) -> dict[str, Any]:
    return idp.verify_software_token(
        Session=session,
        UserCode=totp_code(secret, step),
        FriendlyDeviceName="cogauth-emulator seed",
    )
