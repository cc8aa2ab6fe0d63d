"""A real outside client: Debian's python3-socketio (5.7.x), driven by its arguments.

Run it with /usr/bin/python3 (other interpreters cannot see Debian's packages). It prints one
JSON line per outcome on stdout and always ends by itself, within --timeout seconds plus one:
exit code 0 once connected (and done), 2 when refused, 3 when something timed out.

    {"type": "handshake", "origin": [...]}      the Origin headers of its WebSocket handshake
    {"type": "connect_error", "data": ...}      what python-socketio's connect_error handler got
    {"type": "connect_failed", "message": ...}  the ConnectionError connect() raised (engine.io failed)
    {"type": "connected", "sid": ..., "transport": ...}
    {"type": "ack", "event": "subscribe", "data": ...}  the gateway's answer to each --subscribe
    {"type": "subscribed"}                      every --subscribe answered: publish now
    {"type": "event", "event": ..., "args": [...]}
    {"type": "disconnected"}
    {"type": "exit", "reason": "done" | "refused" | "timeout" | "disconnected"}
"""

import argparse
import json
import logging
import os
import threading
import time

import socketio
import websocket

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--transport", choices=["websocket", "polling"], required=True)
parser.add_argument("--token", help="sent as auth.token; without it the client sends no auth")
parser.add_argument("--origin", help="the Origin header to send, instead of the client's own")
parser.add_argument("--subscribe", action="append", default=[], metavar="ROOM", help="emit subscribe(ROOM) with an ack (repeatable)")
parser.add_argument("--events", type=int, default=0, help="once connected, wait for this many events")
parser.add_argument("--timeout", type=float, default=5.0, help="seconds for the whole run")
args = parser.parse_args()

printing = threading.Lock()


def say(kind, **fields):
    with printing:
        print(json.dumps({"type": kind, **fields}), flush=True)


def leave(reason, code):
    say("exit", reason=reason)
    # engine.io's reader and writer threads are not daemons and may sit in a blocking read:
    # end the process, not just this thread.
    os._exit(code)


# Whatever happens, the process ends: a stuck handshake must not hang the test that started it.
watchdog = threading.Timer(args.timeout + 1, leave, ("timeout", 3))
watchdog.daemon = True
watchdog.start()


class HandshakeOrigins(logging.Handler):
    """Reports the Origin headers websocket-client wrote, from its request-header trace."""

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("GET "):
            origins = [line.split(":", 1)[1].strip() for line in message.split("\r\n") if line.lower().startswith("origin:")]
            say("handshake", origin=origins)


websocket.enableTrace(True, HandshakeOrigins())

if args.origin is not None and args.transport == "websocket":
    # websocket-client writes `Origin: http://<host:port>` of its own unless given `origin=`,
    # which python-socketio does not pass on; an Origin in the headers would be a second one.
    create_connection = websocket.create_connection
    websocket.create_connection = lambda url, **options: create_connection(url, origin=args.origin, **options)

sio = socketio.Client(reconnection=False, handle_sigint=False)
settled = threading.Event()
events = []
enough = threading.Event()


@sio.on("connect")
def on_connect():
    settled.set()


@sio.on("connect_error")
def on_connect_error(*data):
    say("connect_error", data=data[0] if len(data) == 1 else list(data))
    settled.set()


@sio.on("disconnect")
def on_disconnect():
    say("disconnected")
    enough.set()


@sio.on("*")
def on_event(event, *event_args):
    events.append(event)
    say("event", event=event, args=list(event_args))
    if len(events) >= args.events:
        enough.set()


deadline = time.monotonic() + args.timeout
headers = {"Origin": args.origin} if args.origin is not None and args.transport == "polling" else {}
try:
    sio.connect(
        args.url,
        headers=headers,
        auth=None if args.token is None else {"token": args.token},
        transports=[args.transport],
        # connect() itself would wait its whole wait_timeout again after a connect_error (5.7.2):
        # it returns once engine.io is connected, and the namespace's answer is waited for here.
        wait=False,
    )
except socketio.exceptions.ConnectionError as error:
    say("connect_failed", message=str(error))
    leave("refused", 2)
if not settled.wait(max(deadline - time.monotonic(), 0)):
    leave("timeout", 3)
if sio.get_sid() is None:
    leave("refused", 2)

say("connected", sid=sio.get_sid(), transport=sio.transport())
for room in args.subscribe:
    try:
        answer = sio.call("subscribe", room, timeout=max(deadline - time.monotonic(), 0.1))
    except socketio.exceptions.TimeoutError:
        leave("timeout", 3)
    say("ack", event="subscribe", data=answer)
say("subscribed")

if args.events > 0 and not enough.wait(max(deadline - time.monotonic(), 0)):
    leave("timeout", 3)
reason = "disconnected" if len(events) < args.events else "done"
# disconnect() can block on a read loop; the exit below does not wait for it.
threading.Thread(target=sio.disconnect, daemon=True).start()
time.sleep(0.1)
leave(reason, 0)
