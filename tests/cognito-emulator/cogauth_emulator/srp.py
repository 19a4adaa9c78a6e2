"""Server side of Cognito's SRP-6a variant (InitiateAuth USER_SRP_AUTH, then PASSWORD_VERIFIER).

Closes gap 7 (see README.md): stock moto never looks at the password claim.

Cognito's conventions, as its own clients implement them (amazon-cognito-identity-js
AuthenticationHelper, pycognito aws_srp.py):

- H is SHA-256. Numbers are hashed as "padded hex": big-endian, an even number of hex digits
  and one extra 00 byte when the top bit is set (Java BigInteger.toByteArray), never padded
  to the length of N.
- N is the 3072-bit prime of RFC 5054 (also RFC 3526 group 15), g = 2.
- k = H(pad(N) | pad(g)),  u = H(pad(A) | pad(B)).
- x = H(pad(salt) | H(poolIdWithoutRegion | userIdForSrp | ":" | password)); v = g^x.
- B = k*v + g^b,  S = (A * v^u)^b mod N.
- key = HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key"), 16 bytes.
- PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key,
      poolIdWithoutRegion | userIdForSrp | base64decode(SECRET_BLOCK) | TIMESTAMP)),
  TIMESTAMP like "Tue Nov 8 01:02:03 UTC 2026": English names, day of month NOT zero-padded.

The server keeps no password verifier: moto stores the plain password, so v is derived from
it with a fresh salt for every sign-in, which is indistinguishable for the client.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
INFO = b"Caldera Derived Key"

# Checked strictly because a zero-padded day ("Nov 08") is a classic client bug that only
# shows in the first nine days of a month.
_TIMESTAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}"
)


def pad(n: int) -> bytes:
    """Cognito's padded-hex encoding of a non-negative integer, as bytes."""
    digits = format(n, "x")
    if len(digits) % 2:
        digits = "0" + digits
    elif digits[0] in "89abcdef":
        digits = "00" + digits
    return bytes.fromhex(digits)


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha256(b"".join(parts)).digest(), "big")


K = _h(pad(N), pad(G))


@dataclass(frozen=True)
class Challenge:
    """What the server must remember between InitiateAuth and PASSWORD_VERIFIER."""

    pool_short_id: str  # the user pool id without its "region_" prefix
    user_id_for_srp: str
    salt: int
    verifier: int
    a_pub: int
    b_priv: int
    b_pub: int
    secret_block: bytes

    @property
    def parameters(self) -> dict[str, str]:
        """The PASSWORD_VERIFIER ChallengeParameters (without USERNAME)."""
        return {
            # Plain hex without leading zeros, as Cognito sends them: clients that pad the
            # hex string (pycognito) and clients that pad the number (amplify) then agree.
            "SALT": format(self.salt, "x"),
            "SRP_B": format(self.b_pub, "x"),
            "SECRET_BLOCK": base64.standard_b64encode(self.secret_block).decode(),
            "USER_ID_FOR_SRP": self.user_id_for_srp,
        }


def start(
    pool_id: str, user_id_for_srp: str, password: str, srp_a_hex: str, salt: int | None = None
) -> Challenge:
    """Answer USER_SRP_AUTH. Raises ValueError when SRP_A is not a usable public value.

    `salt` is fresh and random unless given (the simulated answer for an unknown user keeps
    one salt per user name, as Cognito does)."""
    a_pub = int(srp_a_hex, 16)  # ValueError on non-hex input
    if a_pub % N == 0:
        raise ValueError("SRP_A is 0 mod N")
    pool_short_id = pool_id.split("_", 1)[1]
    if salt is None:
        # 128-bit salt with a non-zero top nibble, so its hex form has no leading zero.
        salt = secrets.randbits(128) | (1 << 127)
    identity = hashlib.sha256(f"{pool_short_id}{user_id_for_srp}:{password}".encode()).digest()
    verifier = pow(G, _h(pad(salt), identity), N)
    while True:
        b_priv = secrets.randbits(1024)
        b_pub = (K * verifier + pow(G, b_priv, N)) % N
        if b_pub != 0:
            break
    return Challenge(
        pool_short_id=pool_short_id,
        user_id_for_srp=user_id_for_srp,
        salt=salt,
        verifier=verifier,
        a_pub=a_pub,
        b_priv=b_priv,
        b_pub=b_pub,
        secret_block=secrets.token_bytes(192),
    )


def timestamp_is_valid(timestamp: str) -> bool:
    """True for Cognito's format with a real date whose weekday matches."""
    if not _TIMESTAMP.fullmatch(timestamp):
        return False
    try:
        parsed = datetime.datetime.strptime(timestamp, "%a %b %d %H:%M:%S UTC %Y")
    except ValueError:  # e.g. Feb 30
        return False
    return parsed.strftime("%a") == timestamp[:3]


def signature_is_valid(challenge: Challenge, timestamp: str, signature_b64: str) -> bool:
    """Check PASSWORD_CLAIM_SIGNATURE; False for a wrong password or a wrong client."""
    try:
        claimed = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    u = _h(pad(challenge.a_pub), pad(challenge.b_pub))
    if u == 0:
        return False
    shared = pow(challenge.a_pub * pow(challenge.verifier, u, N), challenge.b_priv, N)
    # HKDF with a 16-byte output needs a single expand block: T(1) = HMAC(PRK, info | 0x01).
    prk = hmac.new(pad(u), pad(shared), hashlib.sha256).digest()
    key = hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]
    message = (
        challenge.pool_short_id.encode()
        + challenge.user_id_for_srp.encode()
        + challenge.secret_block
        + timestamp.encode()
    )
    expected = hmac.new(key, message, hashlib.sha256).digest()
    return hmac.compare_digest(expected, claimed)
