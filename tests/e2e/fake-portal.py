#!/usr/bin/python3
"""A stand-in for the XDG desktop portal's GlobalShortcuts interface, for the E2E.

Why a stand-in: the real portal (xdg-desktop-portal) forwards GlobalShortcuts to a desktop's
backend (KDE's or GNOME's), which needs that desktop's compositor; none runs under Xvfb. This
one speaks the frontend's documented protocol, org.freedesktop.portal.GlobalShortcuts
version 1 (https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.GlobalShortcuts.html,
and org.freedesktop.portal.Request for the answers), and is strict where the documentation
is:
- options must carry the documented keys with the documented types (handle_token,
  session_handle_token: strings of [A-Za-z0-9_]); unknown option keys are refused;
- the request object path is built from the caller's unique name and handle_token exactly as
  documented, and the answer is a Response signal on that path only (a client that listens
  elsewhere never hears it);
- BindShortcuts takes an existing session of the same caller, shortcuts with string ids and
  only description/preferred_trigger options; it answers with the bound shortcuts and a
  trigger_description;
- Session.Close ends the session: Activated is not sent for it afterwards.

A test interface, org.cogauth.FakePortal on the same object, lets the test read what was
bound (Bound) and press a bound shortcut (Activate), as the desktop would.

Usage: fake-portal.py  (on the session bus of the test; prints "ready" once it owns the name)
"""

import re
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.GlobalShortcuts"
TEST_IFACE = "org.cogauth.FakePortal"
TOKEN = re.compile(r"^[A-Za-z0-9_]+$")


def refuse(message):
    raise dbus.exceptions.DBusException(message, name="org.freedesktop.portal.Error.InvalidArgument")


def sender_part(sender):
    return sender.lstrip(":").replace(".", "_")


def token_of(options, key, required):
    if key not in options:
        if required:
            refuse(f"{key} is required")
        return None
    value = options[key]
    if not isinstance(value, dbus.String) or not TOKEN.match(value):
        refuse(f"{key} must be a string of letters, digits and _")
    return str(value)


class Session(dbus.service.Object):
    def __init__(self, portal, bus, path, owner):
        super().__init__(bus, path)
        self.portal, self.path, self.owner = portal, path, owner
        self.shortcuts = {}
        self.closed = False

    @dbus.service.method("org.freedesktop.portal.Session", in_signature="", out_signature="")
    def Close(self):
        self.closed = True
        self.remove_from_connection()


class Request(dbus.service.Object):
    @dbus.service.method("org.freedesktop.portal.Request", in_signature="", out_signature="")
    def Close(self):
        self.remove_from_connection()

    @dbus.service.signal("org.freedesktop.portal.Request", signature="ua{sv}")
    def Response(self, response, results):
        pass


class Portal(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.bus = bus
        self.sessions = {}
        self.last = None

    def request(self, sender, options):
        token = token_of(options, "handle_token", required=True)
        path = f"{PATH}/request/{sender_part(sender)}/{token}"
        return Request(self.bus, path), path

    def answer(self, request, results):
        # The Response comes after the method returned, as from a real portal.
        def send():
            request.Response(dbus.UInt32(0), dbus.Dictionary(results, signature="sv"))
            request.remove_from_connection()
            return False

        GLib.timeout_add(20, send)

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        if interface == IFACE and prop == "version":
            return dbus.UInt32(1)
        raise dbus.exceptions.DBusException(f"no property {interface}.{prop}",
                                            name="org.freedesktop.DBus.Error.UnknownProperty")

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {"version": dbus.UInt32(1)} if interface == IFACE else {}

    @dbus.service.method(IFACE, in_signature="a{sv}", out_signature="o", sender_keyword="sender")
    def CreateSession(self, options, sender=None):
        unknown = set(options) - {"handle_token", "session_handle_token"}
        if unknown:
            refuse(f"unknown options {sorted(unknown)}")
        session_token = token_of(options, "session_handle_token", required=True)
        request, path = self.request(sender, options)
        session_path = f"{PATH}/session/{sender_part(sender)}/{session_token}"
        if session_path in self.sessions:
            refuse("a session with this token exists")
        self.sessions[session_path] = Session(self, self.bus, session_path, sender)
        # The documented type of session_handle in the results is a string.
        self.answer(request, {"session_handle": dbus.String(session_path)})
        return dbus.ObjectPath(path)

    @dbus.service.method(IFACE, in_signature="oa(sa{sv})sa{sv}", out_signature="o", sender_keyword="sender")
    def BindShortcuts(self, session_handle, shortcuts, parent_window, options, sender=None):
        session = self.sessions.get(str(session_handle))
        if session is None or session.closed or session.owner != sender:
            refuse("no such session for this caller")
        unknown = set(options) - {"handle_token"}
        if unknown:
            refuse(f"unknown options {sorted(unknown)}")
        request, path = self.request(sender, options)
        bound = []
        for shortcut_id, shortcut_options in shortcuts:
            extra = set(shortcut_options) - {"description", "preferred_trigger"}
            if extra:
                refuse(f"unknown shortcut options {sorted(extra)}")
            if not isinstance(shortcut_options.get("description"), dbus.String):
                refuse("a shortcut needs a description string")
            trigger = str(shortcut_options.get("preferred_trigger", ""))
            session.shortcuts[str(shortcut_id)] = trigger
            bound.append(dbus.Struct((shortcut_id, dbus.Dictionary({
                "description": shortcut_options["description"],
                "trigger_description": dbus.String(f"{trigger} (bound by the desktop)"),
            }, signature="sv"))))
        self.last = session
        self.answer(request, {"shortcuts": dbus.Array(bound, signature="(sa{sv})")})
        return dbus.ObjectPath(path)

    @dbus.service.signal(IFACE, signature="osta{sv}")
    def Activated(self, session_handle, shortcut_id, timestamp, options):
        pass

    @dbus.service.signal(IFACE, signature="osta{sv}")
    def Deactivated(self, session_handle, shortcut_id, timestamp, options):
        pass

    @dbus.service.method(TEST_IFACE, in_signature="", out_signature="s")
    def Bound(self):
        """The preferred trigger of each shortcut of the last live session, as id=trigger."""
        if self.last is None or self.last.closed:
            return ""
        return ",".join(f"{k}={v}" for k, v in sorted(self.last.shortcuts.items()))

    @dbus.service.method(TEST_IFACE, in_signature="s", out_signature="b")
    def Activate(self, shortcut_id):
        """Presses a bound shortcut of the last live session, as the desktop would."""
        session = self.last
        if session is None or session.closed or shortcut_id not in session.shortcuts:
            return False
        stamp = dbus.UInt64(int(time.monotonic() * 1000))
        path = dbus.ObjectPath(session.path)
        self.Activated(path, shortcut_id, stamp, dbus.Dictionary({}, signature="sv"))
        self.Deactivated(path, shortcut_id, stamp, dbus.Dictionary({}, signature="sv"))
        return True


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    portal = Portal(bus)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    print("ready", flush=True)
    loop = GLib.MainLoop()
    try:
        loop.run()
    finally:
        del name, portal


if __name__ == "__main__":
    sys.exit(main())
