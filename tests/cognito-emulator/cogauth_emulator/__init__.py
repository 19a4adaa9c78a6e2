"""CogAuth's local Cognito emulator: moto's cognito-idp with a patch layer that makes it strict.

- patches: the changes to moto's Cognito models (what and why: README.md, "Gaps" and
           "Cognito behaviours modelled")
- srp:     the server side of Cognito's SRP password check
- faults:  HTTP switches for tests (faults, session validity, future step, clock, reset)
- seed:    the demo user pools
- server:  the command line (also `python -m cogauth_emulator`, or run.py)
"""
