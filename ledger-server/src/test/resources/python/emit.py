"""Posts a canned OpenLineage RunEvent the way openlineage-python's HttpTransport does
(POST {url}{endpoint}, Content-Type: application/json, Authorization: Bearer API_KEY), using
only the standard library. Usage: emit.py URL TOKEN. Prints "STATUS BODY" per post."""
import json
import sys
import urllib.error
import urllib.request

url, token = sys.argv[1], sys.argv[2]
event = {
    "eventType": "COMPLETE",
    "eventTime": "2026-11-30T01:02:03.456789+00:00",
    "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.39.0/client/python",
    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    "run": {"runId": "0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f", "facets": {}},
    "job": {
        "namespace": "airflow",
        "name": "orders_dag.load_orders",
        "facets": {"documentation": {
            "_producer": "https://github.com/OpenLineage/OpenLineage/tree/1.39.0/client/python",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/DocumentationJobFacet.json",
            "description": "Loads yesterday's orders"}},
    },
    "inputs": [{
        "namespace": "postgres://db.example:5432",
        "name": "sales.public.orders",
        "facets": {
            "schema": {"fields": [{"name": "id", "type": "bigint"}, {"name": "total", "type": "numeric"}]},
            "version": {"datasetVersion": "snapshot-2026-11-29"},
        },
    }],
    "outputs": [{
        "namespace": "s3://lake",
        "name": "orders/2026-11-29",
        "facets": {"contentDigest": {"digest": "sha256:" + "5e" * 32}},
        "outputFacets": {"outputStatistics": {"rowCount": 1234, "size": 56789}},
    }],
}
for _ in range(2):  # at-least-once delivery: the second post is the same event
    req = urllib.request.Request(
        url + "/api/v1/lineage",
        data=json.dumps(event).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + token},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            print(r.status, r.read().decode("utf-8").strip())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode("utf-8").strip())
