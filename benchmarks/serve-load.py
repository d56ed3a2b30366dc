#!/usr/bin/env python3
"""Load a running `ledger serve` from N concurrent HTTP/1.1 keep-alive clients (Python standard
library only, as openlineage-python's HTTP transport is plain HTTP) and print acknowledged
requests per second: OpenLineage COMPLETE events (one new output version and one transform
each, two records) or native one-record appends. Every request must be answered 201, i.e.
durable; anything else is counted as an error. The same load runs untimed first (--warmup,
default 10 s) so that the server's JIT has compiled the request path, as JMH's warm-up
iterations do; then --rounds measured rounds, each printed, and their median.

    benchmarks/serve-load.py URL TOKEN [--clients N] [--seconds S] [--warmup S] [--rounds R] [--native]

e.g. ledger serve --ledger load.ledger --token-file tokens.txt --listen 127.0.0.1:8080 &
     benchmarks/serve-load.py http://127.0.0.1:8080 "$WRITER_TOKEN" --clients 16
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse
import uuid


def event():
    return json.dumps({
        "eventType": "COMPLETE", "eventTime": "2026-11-30T01:02:03.456Z",
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/python",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": str(uuid.uuid4())},
        "job": {"namespace": "spark", "name": "featurize"},
        "inputs": [{"namespace": "s3://lake", "name": "raw/transactions",
                    "facets": {"version": {"datasetVersion": "2026-11-29"}}}],
        "outputs": [{"namespace": "s3://lake", "name": "features/fraud"}]})


def record():
    return json.dumps({"kind": "dataset", "body": {
        "name": "load-" + str(uuid.uuid4()), "version": "1", "uri": "s3://lake/load",
        "digest": "sha256:" + "a" * 64}})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10, help="length of one measured round")
    p.add_argument("--warmup", type=float, default=10, help="untimed load first, in seconds")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--native", action="store_true", help="POST /v1/records instead of events")
    a = p.parse_args()
    u = urllib.parse.urlsplit(a.url)
    path, body = ("/v1/records", record) if a.native else ("/api/v1/lineage", event)
    what = "records" if a.native else "events"

    def load(seconds):
        ok = [0] * a.clients
        errors = [0] * a.clients
        stop = time.monotonic() + seconds

        def client(i):
            c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
            while time.monotonic() < stop:
                c.request("POST", path, body=body(), headers={
                    "Authorization": "Bearer " + a.token, "Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                if r.status == 201:
                    ok[i] += 1
                else:
                    errors[i] += 1
            c.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(ok) / (time.monotonic() - t0), sum(errors)

    if a.warmup > 0:
        load(a.warmup)
    rates = []
    for n in range(a.rounds):
        rate, errors = load(a.seconds)
        rates.append(rate)
        print("%s, %d clients, round %d: %.0f %s/s acknowledged (%d errors)" % (
            path, a.clients, n + 1, rate, what, errors))
    print("%s, %d clients: median %.0f %s/s" % (path, a.clients, statistics.median(rates), what))


if __name__ == "__main__":
    main()
