"""The demo pool, created through the emulator's own HTTP API with boto3.

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
AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

DEMO = ("demo", "CogAuth-demo-1")  # confirmed, no MFA yet: first sign-in answers MFA_SETUP
NEWBIE = ("newbie", "Temp-pass-1")  # temporary password: NEW_PASSWORD_REQUIRED first
ENROLLED = ("enrolled", "CogAuth-enrolled-1")  # TOTP enabled and preferred; secret printed


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
    """Create the demo pool, clients and users; return the description run.py prints."""
    idp = client(endpoint)
    pool_id = idp.create_user_pool(PoolName=POOL_NAME)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    public = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="cogauth-demo", ExplicitAuthFlows=AUTH_FLOWS
    )["UserPoolClient"]
    confidential = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="cogauth-demo-with-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=AUTH_FLOWS,
    )["UserPoolClient"]

    for name, password in (DEMO, ENROLLED):
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=name, Password=password, Permanent=True
        )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=NEWBIE[0],
        TemporaryPassword=NEWBIE[1],
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
        "users": [
            {"name": DEMO[0], "password": DEMO[1], "status": "CONFIRMED"},
            {"name": NEWBIE[0], "password": NEWBIE[1], "status": "FORCE_CHANGE_PASSWORD"},
            {
                "name": ENROLLED[0],
                "password": ENROLLED[1],
                "status": "CONFIRMED",
                "totp_secret": secret,
            },
        ],
    }


def _enrol(idp: Any, client_id: str, username: str, password: str) -> str:
    """The MFA_SETUP enrolment a user of the app goes through; returns the TOTP secret.

    Its code is spent, so a sign-in as this user in the same 30 s step must use the code of
    the next step (accepted as one step of skew), as with real Cognito.
    """
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    associated = idp.associate_software_token(Session=answer["Session"])
    secret = associated["SecretCode"]
    verified = idp.verify_software_token(
        Session=associated["Session"],
        UserCode=totp_code(secret, int(time.time()) // TOTP_STEP_SECONDS),
        FriendlyDeviceName="cogauth-emulator seed",
    )
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
