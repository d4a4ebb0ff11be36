"""A real SMTP server for the tests that requires a login (aiosmtpd, Debian's python3-aiosmtpd), on loopback.

Usage: smtp_auth_server.py PORT MAILDIR USER PASSWORD. Delivers into MAILDIR like aiosmtpd's Mailbox handler; prints
"ready" once it listens. Plain AUTH without TLS is allowed: a test on loopback only.
"""
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

port, maildir, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
    return AuthResult(success=ok, handled=False)


controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port, authenticator=authenticate,
                        auth_require_tls=False, auth_required=True)
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
