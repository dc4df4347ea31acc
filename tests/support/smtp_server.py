"""A real SMTP server for the email receiver's tests: Debian's aiosmtpd with STARTTLS and AUTH
(PLAIN, LOGIN), each message saved as JSON (envelope and data) in a directory.

Run with /usr/bin/python3 (Debian's python3-aiosmtpd):
  smtp_server.py DIR PORT CERT KEY USER PASSWORD [starttls|implicit|plain] [MECHANISMS_EXCLUDED]
Prints "ready" once it listens; stops on SIGTERM.
"""

import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Saver:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth": session.authenticated,
        }
        partial = os.path.join(self.directory, f"{self.count:06d}.json.tmp")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        # Renamed into place, so a reader never sees half a message.
        os.rename(partial, partial[:-4])
        return "250 Message accepted for delivery"


def main():
    directory, port, cert, key, user, password = sys.argv[1:7]
    mode = sys.argv[7] if len(sys.argv) > 7 else "starttls"
    excluded = sys.argv[8].split(",") if len(sys.argv) > 8 and sys.argv[8] else []

    def authenticate(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
        # handled=False: aiosmtpd itself answers a failure with 535.
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    options = {
        "authenticator": authenticate,
        "auth_required": True,
        # aiosmtpd counts only STARTTLS as TLS here; implicit TLS is encrypted from the start.
        "auth_require_tls": mode == "starttls",
        "auth_exclude_mechanism": excluded,
    }
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    controller = Controller(
        Saver(directory),
        hostname="127.0.0.1",
        port=int(port),
        ssl_context=context if mode == "implicit" else None,
        server_kwargs=options,
    )
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
