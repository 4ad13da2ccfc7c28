#!/usr/bin/python3
"""Managed by Rigger (role app-node): a tiny stand-in for the call-center web app.

GET  /             200 "Served by HOST"           (what the load balancer's drills count)
GET  /health       200 "ok"                        (HAProxy's health check)
POST /redis/KEY    body VALUE: SET KEY VALUE in Redis through HAProxy; GET /redis/KEY reads it
POST /pg           body TEXT: INSERT INTO app_rows(note) through the RW address; GET /pg counts rows

It talks to Redis and PostgreSQL with Debian's redis-cli and psql, passwords in the environment
(REDISCLI_AUTH, PGPASSWORD), never on a command line.
"""
import os
import socket
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = socket.gethostname()
ENV = os.environ


def run(argv, stdin=None):
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or done.stdout.strip() or f"exit {done.returncode}")
    return done.stdout.strip()


def redis(*words):
    argv = ["redis-cli", "--no-auth-warning", "-h", ENV["APP_REDIS_HOST"], "-p", ENV["APP_REDIS_PORT"], *words]
    out = run(argv)
    if out.startswith("ERR") or out.startswith("READONLY") or out.startswith("NOAUTH"):
        raise RuntimeError(out)
    return out


def psql(sql, *params):
    # Values travel as psql variables (:'v' quotes them as SQL literals), never spliced into SQL.
    argv = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
            "-h", ENV["APP_PG_HOST"], "-p", ENV["APP_PG_PORT"], "-U", ENV["APP_PG_USER"], "-d", ENV["APP_PG_DATABASE"]]
    for i, p in enumerate(params):
        argv += ["-v", f"p{i}={p}"]
    return run(argv, stdin=sql)


class App(BaseHTTPRequestHandler):
    def reply(self, code, text):
        body = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()

    def handle_one(self, method):
        try:
            if self.path == "/":
                return self.reply(200, f"Served by {HOST}")
            if self.path == "/health":
                return self.reply(200, "ok")
            if self.path.startswith("/redis/"):
                key = self.path[len("/redis/"):]
                if method == "POST":
                    return self.reply(200, redis("SET", key, self.body()))
                return self.reply(200, redis("GET", key))
            if self.path == "/pg":
                create = "CREATE TABLE IF NOT EXISTS app_rows (id bigserial PRIMARY KEY, note text, host text);\n"
                if method == "POST":
                    return self.reply(200, psql(create + "INSERT INTO app_rows(note, host) VALUES (:'p0', :'p1') RETURNING id;\n",
                                                self.body(), HOST))
                return self.reply(200, psql("SELECT count(*) FROM app_rows;\n"))
            return self.reply(404, "not found")
        except Exception as e:  # the error goes to the client; the service keeps serving
            return self.reply(503, f"{HOST}: {e}")

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(ENV["APP_LISTEN_PORT"])), App).serve_forever()
