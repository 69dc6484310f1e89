#!/usr/bin/env python3
"""slixmpp stand-in for the workspace's `client` example, used by `cargo xtask interop`.

It takes the same options as `cargo run -p xmpp-core --example client` and prints one
JSON line in the same shape, so the interop harness drives an independent client
implementation (slixmpp, from PyPI) and ours through one code path:

  --server HOST:PORT --jid JID --password-env VAR [--tls starttls|direct]
  [--tls-version 1.2|1.3] [--ca-file PEM | --insecure] [--mechanism NAME]
  [--resource RES] [--send-to JID --message TEXT] [--wait-for-message] [--timeout SECS]
  [--json]

JSON fields: ok, error, condition, tls_version, mechanism, channel_binding, jid,
login_ms, received_body (the message waited for), closed_gracefully (the server
answered our </stream:stream> with its own), offered (the SASL mechanisms in the
post-TLS stream features, which our client does not report) and attempts (refused
SASL attempts before the result; slixmpp tries the next mechanism after a refused
-PLUS, and only then).

A receiver (--wait-for-message) writes "ready <full JID>" to stderr once it is bound
and has sent presence, so that a sender can be started only then.
"""
import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import time

import slixmpp


def tls_context(args):
    ctx = ssl.create_default_context()
    if args.ca_file:
        ctx.load_verify_locations(args.ca_file)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if args.tls_version == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif args.tls_version == "1.3":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


class Probe(slixmpp.ClientXMPP):
    """One client session; every outcome lands in `self.result`."""

    def __init__(self, args, password):
        jid = args.jid + ("/" + args.resource if args.resource else "")
        super().__init__(jid, password, sasl_mech=args.mechanism)
        self.args = args
        self.ssl_context = tls_context(args)
        self.enable_direct_tls = args.tls == "direct"
        self.enable_starttls = args.tls == "starttls"
        self.enable_plaintext = False
        self.started = None
        self.online = asyncio.Event()
        self.finished = asyncio.Event()
        self.message = asyncio.Queue()
        self.peer_closed = False
        self.result = {"ok": False, "error": None, "condition": None, "tls_version": None,
                       "mechanism": None, "channel_binding": None, "jid": None,
                       "login_ms": None, "received_body": None, "closed_gracefully": None,
                       "offered": [], "attempts": []}
        self.register_plugin("xep_0199")
        self.add_event_handler("session_start", self.on_online)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", self.on_auth_failure)
        self.add_event_handler("stream_error", self.on_stream_error)
        self.add_event_handler("auth_success", self.on_auth_success)
        for name in ("failed_all_auth", "connection_failed", "ssl_invalid_chain",
                     "ssl_invalid_cert"):
            self.add_event_handler(name, self.fail_on(name))
        self.add_event_handler("disconnected", self.on_disconnected)

    def fail(self, why, condition=None):
        if not self.result["error"]:
            self.result["error"] = why
            self.result["condition"] = condition
        self.online.set()
        self.finished.set()
        self.message.put_nowait(None)

    def fail_on(self, name):
        return lambda data=None: self.fail("%s: %s" % (name, data))

    def sasl(self):
        return self.plugin["feature_mechanisms"]

    def on_auth_success(self, _stanza):
        mech = self.sasl().mech.name
        self.result["mechanism"] = mech
        # slixmpp knows only tls-unique; -PLUS therefore means tls-unique here.
        self.result["channel_binding"] = "tls-unique" if mech.endswith("-PLUS") else None
        self.result["offered"] = sorted(self.sasl().mech_list)

    def on_auth_failure(self, stanza):
        sasl = self.sasl()
        self.result["offered"] = sorted(sasl.mech_list)
        failed = sasl.mech.name
        self.result["attempts"].append("%s: %s" % (failed, stanza["condition"]))
        if failed.endswith("-PLUS") and not self.args.mechanism:
            # slixmpp binds with tls-unique only; a server that wants another
            # binding refuses it, and slixmpp moves on to the next mechanism.
            return
        # Otherwise one attempt only: a refused password must not be retried with
        # every other mechanism on offer.
        sasl.attempted_mechs |= set(sasl.mech_list)
        self.fail("SASL failure: %s" % stanza["condition"], stanza["condition"])

    def on_stream_error(self, err):
        self.fail("stream error: %s %s" % (err["condition"], err["text"] or ""),
                  err["condition"])

    def on_disconnected(self, _reason):
        if self.result["closed_gracefully"] is None:
            self.result["closed_gracefully"] = self.peer_closed
        self.fail("disconnected")

    def abort(self):
        # slixmpp aborts the transport itself once the server's </stream:stream>
        # arrives; any other abort means the closing handshake did not complete.
        if self.disconnect_reason == "End of stream":
            self.peer_closed = True
        super().abort()

    async def on_online(self, _event):
        self.result["login_ms"] = (time.monotonic() - self.started) * 1000.0
        self.result["jid"] = str(self.boundjid)
        tls = self.transport.get_extra_info("ssl_object") if self.transport else None
        if tls is not None:
            self.result["tls_version"] = tls.version().replace("TLSv", "")
        self.send_presence()
        self.online.set()

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal"):
            self.message.put_nowait(str(msg["body"]))


async def session(args, password):
    client = Probe(args, password)
    host, _, port = args.server.rpartition(":")
    client.started = time.monotonic()
    client.connect(host, int(port))
    r = client.result
    try:
        await asyncio.wait_for(client.online.wait(), args.timeout)
        if r["error"]:
            return r
        if args.wait_for_message:
            sys.stderr.write("ready %s\n" % r["jid"])
            sys.stderr.flush()
            body = await asyncio.wait_for(client.message.get(), args.timeout)
            if body is None:
                return r
            r["received_body"] = body
        if args.send_to:
            client.send_message(mto=args.send_to, mbody=args.message or "", mtype="chat")
            # A round trip proves the server took the message (or sent a stream error).
            await client.plugin["xep_0199"].ping(timeout=args.timeout)
            if r["error"]:
                return r
        closing = client.disconnect(wait=min(5.0, args.timeout))
        await asyncio.wait_for(closing, args.timeout)
        await asyncio.wait_for(client.finished.wait(), args.timeout)
        r["ok"] = bool(r["closed_gracefully"])
        r["error"] = None if r["ok"] else "close was not graceful"
    except asyncio.TimeoutError:
        client.fail("timeout after %ss" % args.timeout)
    except (slixmpp.exceptions.IqError, slixmpp.exceptions.IqTimeout) as e:
        client.fail("iq failed: %s" % e)
    finally:
        if client.transport:
            client.abort()
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--jid", required=True)
    ap.add_argument("--password-env", required=True)
    ap.add_argument("--tls", choices=["starttls", "direct"], default="starttls")
    ap.add_argument("--tls-version", choices=["1.2", "1.3"])
    ap.add_argument("--ca-file")
    ap.add_argument("--insecure", action="store_true")
    ap.add_argument("--mechanism")
    ap.add_argument("--resource")
    ap.add_argument("--send-to")
    ap.add_argument("--message")
    ap.add_argument("--wait-for-message", action="store_true")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    password = os.environ.get(args.password_env)
    if password is None:
        ap.error("environment variable %s is not set" % args.password_env)
    # slixmpp logs expected failures (a refused password, a stream error) as errors.
    logging.basicConfig(level=logging.CRITICAL)
    result = asyncio.run(session(args, password))
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
