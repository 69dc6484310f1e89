"""Drives Python's `scramp` (an independent SCRAM implementation) for the cross-check in
scramp_crosscheck.rs. One SCRAM message per line on stdin/stdout.

    scramp_helper.py client MECH USER PASS [CBTYPE CBHEX]
    scramp_helper.py server MECH USER PASS ITERATIONS SALTHEX [CBTYPE CBHEX]

The client prints client-first, reads server-first, prints client-final, reads
server-final and prints OK (or ERROR <reason>). The server reads client-first, prints
server-first, reads client-final and prints server-final (or ERROR <reason>, then the
e= server-final-message).
"""

import sys

from scramp import ScramClient, ScramMechanism


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def read():
    return sys.stdin.readline().rstrip("\n")


def cb_arg(args):
    if len(args) >= 2:
        return (args[0], bytes.fromhex(args[1]))
    return None


def client(mech, user, password, rest):
    c = ScramClient([mech], user, password, channel_binding=cb_arg(rest))
    out(c.get_client_first())
    try:
        c.set_server_first(read())
        out(c.get_client_final())
        c.set_server_final(read())
        out("OK")
    except Exception as e:  # noqa: BLE001 - report every failure to the Rust side
        out("ERROR " + str(e).replace("\n", " "))


def server(mech, user, password, iterations, salt_hex, rest):
    m = ScramMechanism(mech)
    info = m.make_auth_info(password, iteration_count=int(iterations), salt=bytes.fromhex(salt_hex))

    def auth_fn(name):
        if name != user:
            raise Exception("unknown user")
        return info

    s = m.make_server(auth_fn, channel_binding=cb_arg(rest))
    try:
        s.set_client_first(read())
        out(s.get_server_first())
        s.set_client_final(read())
        out(s.get_server_final())
    except Exception as e:  # noqa: BLE001
        out("ERROR " + str(e).replace("\n", " "))


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "client":
        client(args[0], args[1], args[2], args[3:])
    else:
        server(args[0], args[1], args[2], args[3], args[4], args[5:])
