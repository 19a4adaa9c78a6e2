"""Opens an Aegis encrypted vault the way Aegis documents it (beemdevelopment/Aegis
docs/vault.md and docs/decrypt.py), independently of CogAuth's Rust code: scrypt over the
password slot, AES-256-GCM to unwrap the master key, AES-256-GCM over the database. Prints the
database's entries as JSON, one object per entry with the fields Aegis reads.

Usage: python aegis_peer.py VAULT.json   (the password on stdin, its first line)
Needs `cryptography` (in the Cognito emulator's venv: moto depends on it).
"""

import base64
import json
import sys

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def main():
    vault = json.load(open(sys.argv[1], encoding="utf-8"))
    password = sys.stdin.readline().rstrip("\n").encode("utf-8")
    assert vault["version"] == 1, f"vault version {vault['version']}"
    header = vault["header"]
    master_key = None
    for slot in header["slots"]:
        if slot["type"] != 1:  # password slots only
            continue
        key = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"],
                     p=slot["p"], backend=default_backend()).derive(password)
        params = slot["key_params"]
        master_key = AESGCM(key).decrypt(bytes.fromhex(params["nonce"]),
                                         bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                                         None)
        break
    assert master_key is not None, "no password slot"
    params = header["params"]
    plain = AESGCM(master_key).decrypt(bytes.fromhex(params["nonce"]),
                                       base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]),
                                       None)
    db = json.loads(plain)
    entries = [{
        "type": e["type"], "name": e["name"], "issuer": e["issuer"],
        "secret": e["info"]["secret"], "algo": e["info"]["algo"], "digits": e["info"]["digits"],
        "period": e["info"].get("period"), "counter": e["info"].get("counter"),
    } for e in db["entries"]]
    print(json.dumps({"db_version": db["version"], "entries": entries}))


main()
