#!/usr/bin/env python3
"""bench/dns-reload-probe.py — used by bench/dns-reload.sh: signals the DNS filter to reload its lists and measures,
every 10 ms on loopback, (1) when a name that the changed list now blocks is first answered NXDOMAIN, and (2) whether
the filter kept answering an ordinary (cached) name throughout: the longest gap between two answers.

Timeline: ask both names every --interval for --before seconds, send --signal to --pid, keep asking until the new name
is answered NXDOMAIN (reload_s = that moment − the signal) or --timeout seconds pass, then --after seconds more.
An ordinary query not answered within --lost-after seconds counts as lost. Prints one line:
  reload_s=X|timeout|failed max_gap_ms=Y probe_sent=N probe_answered=M probe_lost=L new_before=RCODE
where failed = the process is gone, none = a control run (--signal none: nothing signalled, only the gaps measured). Exit status 0 whether or not the targets are met (the caller judges).
"""
import argparse
import os
import select
import signal
import socket
import struct
import time

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def query(qid, name):
    """A DNS query (RD set) for NAME, type A, class IN."""
    labels = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.rstrip(".").split("."))
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack(">HH", 1, 1)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by the script) is gone too
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description="Measure a live list reload of the DNS filter.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--allowed", required=True, help="an ordinary name the filter answers (NOERROR) throughout")
    parser.add_argument("--new", required=True, help="a name the changed list blocks (NXDOMAIN once reloaded)")
    parser.add_argument("--signal", default="HUP", help="signal name without SIG (default HUP); none = a control run")
    parser.add_argument("--interval", type=float, default=0.01)
    parser.add_argument("--before", type=float, default=2.0)
    parser.add_argument("--after", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--lost-after", type=float, default=1.0)
    args = parser.parse_args()
    # "none": a control run — nothing is signalled; the probe only measures the gaps for --before + --timeout s
    sig = None if args.signal.lower() == "none" else getattr(signal, "SIG" + args.signal.upper())

    ordinary = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ordinary.connect(("127.0.0.1", args.port))
    newsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    newsock.connect(("127.0.0.1", args.port))

    start = time.monotonic()
    signalled = None
    blocked_at = None
    failed = False
    new_before = "none"
    sent = {}          # ordinary query id → send time
    answered = 0
    lost = 0
    last_answer = start
    max_gap = 0.0
    qid = 0
    next_tick = start
    end = None
    while True:
        now = time.monotonic()
        if now >= next_tick:
            next_tick += args.interval
            qid = (qid + 1) & 0xFFFF
            sent[qid] = now
            ordinary.send(query(qid, args.allowed))
            newsock.send(query(qid, args.new))
            if signalled is None and now - start >= args.before:
                if not alive(args.pid):
                    failed = True
                    break
                if sig is not None:
                    os.kill(args.pid, sig)
                signalled = time.monotonic()
            if signalled is not None and blocked_at is None and now - signalled > args.timeout:
                end = now + args.after if end is None else end
            if end is not None and now >= end:
                break
            for q, t in list(sent.items()):
                if now - t > args.lost_after:
                    lost += 1
                    del sent[q]
            if signalled is not None and blocked_at is None and not alive(args.pid):
                failed = True
                break
        readable, _, _ = select.select([ordinary, newsock], [], [], max(0.0, next_tick - time.monotonic()))
        for s in readable:
            try:
                data = s.recv(4096)
            except OSError:
                continue
            if len(data) < 12:
                continue
            rid, flags = struct.unpack(">HH", data[:4])
            rcode = RCODES.get(flags & 0xF, str(flags & 0xF))
            at = time.monotonic()
            if s is ordinary:
                if rid in sent and rcode == "NOERROR":
                    del sent[rid]
                    answered += 1
                    max_gap = max(max_gap, at - last_answer)
                    last_answer = at
            else:
                if signalled is None:
                    new_before = rcode
                elif blocked_at is None and rcode == "NXDOMAIN":
                    blocked_at = at
                    end = at + args.after
    # time since the last ordinary answer counts as a gap too (the filter may have stopped answering)
    max_gap = max(max_gap, time.monotonic() - last_answer - args.interval)
    # the queries still in flight get --lost-after seconds to be answered
    drain_end = time.monotonic() + args.lost_after
    while sent and time.monotonic() < drain_end:
        readable, _, _ = select.select([ordinary], [], [], max(0.0, drain_end - time.monotonic()))
        if readable:
            data = ordinary.recv(4096)
            if len(data) >= 12 and (struct.unpack(">H", data[:2])[0] in sent) and data[3] & 0xF == 0:
                del sent[struct.unpack(">H", data[:2])[0]]
                answered += 1
    if failed:
        reload_s = "failed"
    elif sig is None:
        reload_s = "none"
    elif blocked_at is None:
        reload_s = "timeout"
    else:
        reload_s = f"{blocked_at - signalled:.2f}"
    print(f"reload_s={reload_s} max_gap_ms={max_gap * 1000:.0f} probe_sent={qid} probe_answered={answered} "
          f"probe_lost={lost + len(sent)} new_before={new_before}")


if __name__ == "__main__":
    main()
