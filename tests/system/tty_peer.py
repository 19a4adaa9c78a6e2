"""Runs a command on a pseudo-terminal, as a person at a terminal would: waits for PROMPT on
the screen, types ANSWER and Enter, and reads the screen until the command exits. Prints
{"exit": code, "screen": everything the terminal showed} as JSON.

Usage: tty_peer.py PROMPT ANSWER COMMAND [ARG...]   (the environment is passed on)

The answer is typed once the prompt is on the screen and the terminal's echo is off (or,
if the echo stays on, 2 s after the prompt, as a person would type anyway): a program that
prints its prompt before it turns the echo off is not raced, and what shows on the screen is
what the terminal echoed.
"""

import json
import os
import pty
import select
import sys
import termios
import time


def main() -> None:
    prompt, answer, command = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    screen = b""
    typed = False
    prompted_at = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        if not typed and prompt in screen:
            prompted_at = prompted_at or time.monotonic()
            echo_off = not termios.tcgetattr(fd)[3] & termios.ECHO
            if echo_off or time.monotonic() - prompted_at > 2:
                os.write(fd, answer + b"\r")
                typed = True
    _, status = os.waitpid(pid, 0)
    print(json.dumps({
        "exit": os.waitstatus_to_exitcode(status),
        "typed": typed,
        "screen": screen.decode("utf-8", "replace"),
    }))


if __name__ == "__main__":
    main()
