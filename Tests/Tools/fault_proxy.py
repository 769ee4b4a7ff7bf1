#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for tests: sits in front of moto (S3/SQS) on 127.0.0.1 and, seeded, answers some
requests with 500, 503 or S3's SlowDown, drops connections before or after forwarding, and stalls others.

    python3 fault_proxy.py --upstream 127.0.0.1:5000 --seed 7 --rate 0.2 [--port 0] [--stall 1.5]

Prints "ready PORT" on stdout once it listens. On SIGTERM prints the faults it injected as one JSON line on
stderr and exits. Only forwards to the upstream address given (a loopback address); sends nothing elsewhere.
"""
import argparse
import http.client
import http.server
import json
import random
import signal
import socketserver
import sys
import threading
import time

FAULTS = ["http500", "http503", "slowdown", "drop_before", "drop_after", "stall"]


class State:
    def __init__(self, seed, rate, stall, upstream):
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.rate = rate
        self.stall = stall
        self.upstream = upstream
        self.counts = {name: 0 for name in FAULTS}
        self.counts["forwarded"] = 0

    def pick(self):
        with self.lock:
            if self.random.random() >= self.rate:
                return None
            return self.random.choice(FAULTS)

    def count(self, name):
        with self.lock:
            self.counts[name] += 1


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = state.pick()
            if fault is not None:
                state.count(fault)
            if fault in ("http500", "http503", "slowdown"):
                code, error = {"http500": (500, "InternalError"), "http503": (503, "ServiceUnavailable"),
                               "slowdown": (503, "SlowDown")}[fault]
                payload = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{error}</Code>"
                           f"<Message>injected by fault_proxy</Message></Error>").encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            if fault == "drop_before":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault == "stall":
                time.sleep(state.stall)
            host, port = state.upstream.rsplit(":", 1)
            upstream = http.client.HTTPConnection(host, int(port), timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            upstream.close()
            state.count("forwarded")
            if fault == "drop_after":
                # The server acted, the client never hears: its retry must be harmless.
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "date",
                                       "server"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the real server (loopback)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.2, help="share of requests that meet a fault")
    parser.add_argument("--stall", type=float, default=1.5, help="seconds a stalled request waits")
    args = parser.parse_args()
    host = args.upstream.rsplit(":", 1)[0]
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        sys.exit("fault_proxy: the upstream must be a loopback address")
    state = State(args.seed, args.rate, args.stall, args.upstream)
    server = Server(("127.0.0.1", args.port), make_handler(state))

    def stop(*_):
        sys.stderr.write(json.dumps(state.counts, sort_keys=True) + "\n")
        sys.stderr.flush()
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
