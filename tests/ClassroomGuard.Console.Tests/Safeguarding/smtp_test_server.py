"""A real SMTP server for the tests (aiosmtpd, Debian's python3-aiosmtpd) on a loopback port, delivering into a Maildir.

Usage: smtp_test_server.py PORT MAILDIR [--login USER PASSWORD] [--tls CERT KEY] [--refuse ADDRESS CODE]...
Delivers like aiosmtpd's Mailbox handler (each message carries the envelope's recipients in X-RcptTo). --login requires
a login (plain AUTH without TLS is allowed: loopback only); --tls offers and requires STARTTLS with that certificate;
--refuse answers RCPT TO for ADDRESS with CODE (e.g. 550: a dead mailbox, 450: try later). Prints "ready" once it
listens; when the port is taken prints "in use" and exits with 98, so the test can pick another port and try again.
"""
import argparse
import errno
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("maildir")
parser.add_argument("--login", nargs=2)
parser.add_argument("--tls", nargs=2)
parser.add_argument("--refuse", nargs=2, action="append", default=[])
args = parser.parse_args()
refused = {address.lower(): int(code) for address, code in args.refuse}


class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = refused.get(address.lower())
        if code is not None:
            return f"{code} {'5.1.1 mailbox unavailable' if code >= 500 else '4.2.1 mailbox busy, try later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"


options = {}
if args.login:
    user, password = args.login[0].encode(), args.login[1].encode()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
        return AuthResult(success=ok, handled=False)

    options.update(authenticator=authenticate, auth_require_tls=False, auth_required=True)
if args.tls:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls[0], args.tls[1])
    options.update(tls_context=context, require_starttls=True)

controller = Controller(Handler(args.maildir), hostname="127.0.0.1", port=args.port, ready_timeout=3.0, **options)
try:
    controller.start()
except OSError as error:
    if error.errno == errno.EADDRINUSE:
        print("in use", flush=True)
        sys.exit(98)
    raise
print("ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
