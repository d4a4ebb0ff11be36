#!/usr/bin/env python3
"""One hostile client for bench/dns-highbytes.sh: COUNT distinct A queries whose first label starts with a raw byte
0x80-0xFF followed by an ASCII capital ("\\DDDF<i>.bench"), at RATE queries/s from one UDP socket, to a server on
loopback. dnsperf cannot be used for this: it mangles \\DDD escapes (\\200 leaves as 0x62).
With a fifth argument "ascii" the first byte is a-z instead (the same flood of cache misses without high bytes).
Prints: sent, answered, lost (no answer within 5 s of the last send), answers by rcode, average and max latency."""
import select
import socket
import struct
import sys
import time

server, port, count, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
first = (lambda i: 0x61 + i % 26) if len(sys.argv) > 5 and sys.argv[5] == "ascii" else (lambda i: 0x80 + i % 128)
if server not in ("127.0.0.1", "::1"):
    sys.exit("loopback only")
count = min(count, 65535)  # one query per ID

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def query(i):
    label = bytes([first(i)]) + b"F" + str(i).encode()
    name = bytes([len(label)]) + label + b"\x05bench\x00"
    return struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1)


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.connect((server, port))
sock.setblocking(False)
sent_at = {}
latencies = []
rcodes = {}
start = time.monotonic()
i = 0
deadline = None
while True:
    now = time.monotonic()
    while i < count and now >= start + i / rate:
        sent_at[i] = time.monotonic()
        sock.send(query(i))
        i += 1
    if i == count and deadline is None:
        deadline = now + 5
    if deadline is not None and (not sent_at or now >= deadline):
        break
    wait = 0.05 if i == count else max(0.0, start + i / rate - now)
    ready, _, _ = select.select([sock], [], [], wait)
    while ready:
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            break
        qid = struct.unpack(">H", data[:2])[0]
        if qid in sent_at:
            latencies.append(time.monotonic() - sent_at.pop(qid))
            rc = RCODES.get(data[3] & 0xF, str(data[3] & 0xF))
            rcodes[rc] = rcodes.get(rc, 0) + 1

answered = len(latencies)
print(f"  hostile: sent={count} answered={answered} lost={count - answered} rcodes="
      + ",".join(f"{k}:{v}" for k, v in sorted(rcodes.items()))
      + (f" avg_latency_ms={1000 * sum(latencies) / answered:.1f} max_latency_ms={1000 * max(latencies):.1f}" if answered else ""))
