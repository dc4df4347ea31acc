"""A real WebSocket client for the event stream's tests: connects to the URL (with a bearer token
when given), resuming from a Last-Event-ID when given, and writes every message it receives as
one line to stdout until the server closes the connection.

usage: ws_client.py URL [TOKEN] [LAST_EVENT_ID]
"""
import asyncio
import sys

import websockets


async def main():
    url = sys.argv[1]
    headers = {}
    if len(sys.argv) > 2 and sys.argv[2]:
        headers["Authorization"] = "Bearer " + sys.argv[2]
    if len(sys.argv) > 3 and sys.argv[3]:
        headers["Last-Event-ID"] = sys.argv[3]
    try:
        async with websockets.connect(url, extra_headers=headers, max_size=None) as ws:
            print("connected", flush=True)
            async for message in ws:
                print(message, flush=True)
    except websockets.exceptions.InvalidStatusCode as e:
        print("refused %d" % e.status_code, flush=True)


asyncio.run(main())
