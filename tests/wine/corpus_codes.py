"""For scripts/wine-cli: the codes oathtool gives for the TOTP accounts of an import.

Usage: corpus_codes.py PLAIN_TXT UNIX_TIME < `cogauth list --json`

Prints "ID CODE" for each listed TOTP account that PLAIN_TXT (otpauth URIs, the corpus's
truth) names by issuer and label, with the code computed by oathtool from PLAIN_TXT's secret,
algorithm, digits and period; the CLI under test must print the same code for that id.
"""

import json
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlparse


def truth(path):
    accounts = {}
    for line in open(path, encoding="utf-8"):
        uri = urlparse(line.strip())
        if uri.netloc != "totp":
            continue
        query = {k: v[0] for k, v in parse_qs(uri.query).items()}
        name = unquote(uri.path.lstrip("/"))
        issuer, _, label = name.partition(":")
        accounts[(query.get("issuer", issuer), label)] = query
    return accounts


def main():
    accounts = truth(sys.argv[1])
    when = sys.argv[2]
    for account in json.load(sys.stdin):
        query = accounts.get((account["issuer"], account["label"]))
        if account["kind"] != "totp" or query is None:
            continue
        code = subprocess.run(
            ["oathtool", f"--totp={query.get('algorithm', 'SHA1')}",
             "-d", query.get("digits", "6"), "-s", query.get("period", "30"),
             "-N", f"@{when}", "-b", query["secret"]],
            check=True, capture_output=True, text=True).stdout.strip()
        print(account["id"], code)


main()
