"""An independent Cognito client for the system tests: boto3 + pyotp, no CogAuth code.

    cognito_peer.py check ENDPOINT POOL CLIENT USERNAME PASSWORD LAST_USED_STEP [CLIENT_SECRET]
        The TOTP secret (base32) is read from stdin, as `secret-tool lookup` prints it.
        AdminGetUser must show SOFTWARE_TOKEN_MFA enabled and preferred; then a sign-in with
        USER_PASSWORD_AUTH must be asked for SOFTWARE_TOKEN_MFA and accept pyotp's code for
        the step after LAST_USED_STEP (Cognito refuses a code twice and accepts one step
        ahead; the script waits until that step is close enough).
    cognito_peer.py optional-pool ENDPOINT USERNAME PASSWORD
        Creates a pool with optional TOTP MFA, a client, and a confirmed user; prints
        {"user_pool_id", "client_id"}: the already-signed-in (AccessToken) enrolment path.
    cognito_peer.py signup ENDPOINT CLIENT USERNAME PASSWORD
        Signs a user up without confirming it (UNCONFIRMED).
    cognito_peer.py disable ENDPOINT POOL USERNAME
        Disables a user (AdminDisableUser).
Prints one line of JSON; exits non-zero with the reason on failure.
"""

import base64
import hashlib
import hmac
import json
import sys
import time

import boto3
import pyotp


def client(endpoint):
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def check(endpoint, pool, client_id, username, password, last_used_step, client_secret=None):
    secret = sys.stdin.read().strip()
    idp = client(endpoint)
    user = idp.admin_get_user(UserPoolId=pool, Username=username)
    settings = user.get("UserMFASettingList", [])
    preferred = user.get("PreferredMfaSetting")
    if "SOFTWARE_TOKEN_MFA" not in settings or preferred != "SOFTWARE_TOKEN_MFA":
        sys.exit(f"MFA not enabled and preferred: {settings} {preferred}")
    params = {"USERNAME": username, "PASSWORD": password}
    if client_secret:
        digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
        params["SECRET_HASH"] = base64.b64encode(digest.digest()).decode()
    started = idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters=params)
    if started.get("ChallengeName") != "SOFTWARE_TOKEN_MFA":
        sys.exit(f"expected SOFTWARE_TOKEN_MFA, got {started.get('ChallengeName')}")
    # Cognito accepts the current step and the one before, never a future one, each once:
    # wait for the first step after the last one CogAuth spent.
    step = max(int(last_used_step) + 1, int(time.time()) // 30)
    time.sleep(max(0, step * 30 - time.time()))
    code = pyotp.TOTP(secret).at(step * 30)
    answer = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}
    if "SECRET_HASH" in params:
        answer["SECRET_HASH"] = params["SECRET_HASH"]
    done = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=started["Session"], ChallengeResponses=answer
    )
    if "AccessToken" not in done.get("AuthenticationResult", {}):
        sys.exit("no tokens after the TOTP answer")
    print(json.dumps({"preferred": preferred, "signed_in": True}))


def optional_pool(endpoint, username, password):
    idp = client(endpoint)
    pool = idp.create_user_pool(PoolName="optional-mfa", MfaConfiguration="OPTIONAL")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="optional",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    print(json.dumps({"user_pool_id": pool, "client_id": client_id}))


def signup(endpoint, client_id, username, password):
    # The demo pool requires an e-mail address.
    client(endpoint).sign_up(
        ClientId=client_id,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    print(json.dumps({"signed_up": username}))


def disable(endpoint, pool, username):
    client(endpoint).admin_disable_user(UserPoolId=pool, Username=username)
    print(json.dumps({"disabled": username}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    commands = {"check": check, "optional-pool": optional_pool, "signup": signup, "disable": disable}
    commands[command](*args)
