"""A local HTTP server answering like the Dog CEO API and TheCatAPI: same paths, same JSON
shapes, and real PNG images, each one distinct so that content deduplication keeps them all.

`GET /_reset` starts the numbering again, so the next run is offered the same pictures (all
duplicates). Used by run_ingest_dag.py; runnable alone: `python fake_image_api.py PORT`.
"""

from __future__ import annotations

import json
import struct
import sys
import threading
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOG_FOLDERS = ["hound-afghan", "husky", "retriever-golden", "pug"]
CAT_BREEDS = [("beng", "Bengal"), ("sibe", "Siberian"), ("pers", "Persian")]


def png(number: int) -> bytes:
    """A real 4x3 RGB PNG whose pixels encode `number`, so every number gives other bytes."""
    width, height = 4, 3
    rgb = bytes([number % 256, (number // 256) % 256, 200])
    raw = b"".join(b"\x00" + rgb * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next = 1

    def take(self, count: int) -> list[int]:
        with self.lock:
            numbers = list(range(self.next, self.next + count))
            self.next += count
            return numbers

    def reset(self) -> None:
        with self.lock:
            self.next = 1


def handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet: the DAG's log is what matters
            pass

        def send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def base(self) -> str:
            return "http://" + self.headers.get("Host", "127.0.0.1")

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urllib.parse.urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            query = urllib.parse.parse_qs(url.query)
            if parts == ["_reset"]:
                state.reset()
                return self.send(200, b"ok", "text/plain")
            if parts[:4] == ["api", "breeds", "image", "random"] and len(parts) == 5:
                count = min(int(parts[4]), 50)
                urls = [
                    f"{self.base()}/breeds/{DOG_FOLDERS[n % len(DOG_FOLDERS)]}/n{n:06d}.png"
                    for n in state.take(count)
                ]
                body = {"message": urls, "status": "success"}
                return self.send(200, json.dumps(body).encode(), "application/json")
            if parts == ["v1", "images", "search"]:
                count = min(int(query.get("limit", ["1"])[0]), 10)
                images = []
                for n in state.take(count):
                    breed_id, name = CAT_BREEDS[n % len(CAT_BREEDS)]
                    images.append(
                        {
                            "id": f"c{n:06d}",
                            "url": f"{self.base()}/cats/c{n:06d}.png",
                            "width": 4,
                            "height": 3,
                            "breeds": [{"id": breed_id, "name": name}],
                        }
                    )
                return self.send(200, json.dumps(images).encode(), "application/json")
            if parts and parts[0] in ("breeds", "cats") and parts[-1].endswith(".png"):
                number = int(parts[-1].lstrip("nc").removesuffix(".png"))
                return self.send(200, png(number), "image/png")
            self.send(404, b'{"message":"not found"}', "application/json")

    return Handler


def start(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serves in a daemon thread; returns the server and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(State()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    server, base = start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(base, flush=True)
    threading.Event().wait()
