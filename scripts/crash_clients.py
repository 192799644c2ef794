#!/usr/bin/env python3
"""Clients of scripts/crash-test.sh.

Without --verify: 8 threads make 125 writes each through the API (create a concept, publish it,
edit its title), retrying through server crashes, and log every acknowledged write.
With --verify: every acknowledged write must be in the database, and search must agree with the
database within 30 s."""
import json, sqlite3, sys, threading, time, urllib.error, urllib.request

port, d = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/api/v1"


def call(method, path, token=None, body=None, if_match=None):
    """(status, headers, json) or None when the server is down."""
    req = urllib.request.Request(base + path, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if if_match is not None:
        req.add_header("If-Match", f'"{if_match}"')
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, data, timeout=10) as r:
            return r.status, r.headers, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"null")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def until_up(fn):
    while True:
        r = fn()
        if r is not None and r[0] not in (502, 503):
            return r
        time.sleep(0.05)


def login():
    r = until_up(lambda: call("POST", "/sessies", body={"email": "crash@test.example", "wachtwoord": "crashtest-wachtwoord"}))
    assert r[0] == 201, r
    return r[2]["token"]


def writer(w, org, acked):
    token = login()
    current = None  # id of this writer's item being worked on
    for i in range(1, 126):
        step = i % 3
        while True:
            if step == 1:
                title = f"Crashtest {w} {i}"
                body = {"organisatieId": org, "soort": "initiatief", "titel": title,
                        "samenvatting": "Schrijven tijdens een crash.", "themas": ["veiligheid"],
                        "heleGemeente": True, "kosten": "gratis"}
                r = until_up(lambda: call("POST", "/beheer/aanbod", token, body))
                if r[0] == 401:
                    token = login(); continue
                assert r[0] in (201, 202), r
                current = r[2]["id"]
                acked.append((current, title, "concept"))
                break
            got = until_up(lambda: call("GET", f"/beheer/aanbod/{current}", token))
            if got[0] == 401:
                token = login(); continue
            version, item = int(got[1]["ETag"].strip('"')), got[2]
            if step == 2:
                if item["status"] == "gepubliceerd":  # an earlier try went through
                    acked.append((current, item["inhoud"]["titel"], "gepubliceerd")); break
                r = until_up(lambda: call("POST", f"/beheer/aanbod/{current}/indieningen", token, if_match=version))
                if r[0] in (200, 202):
                    acked.append((current, r[2]["inhoud"]["titel"], "gepubliceerd")); break
            else:
                title = f"Crashtest {w} {i - 2} versie {i}"
                if item["inhoud"]["titel"] == title:  # an earlier try went through
                    acked.append((current, title, "gepubliceerd")); break
                content = dict(item["inhoud"], titel=title)
                r = until_up(lambda: call("PUT", f"/beheer/aanbod/{current}", token, content, version))
                if r[0] in (200, 202):
                    acked.append((current, title, "gepubliceerd")); break
            if r[0] not in (401, 409, 412):
                raise AssertionError(r)
            if r[0] == 401:
                token = login()


def run():
    org = None
    while org is None:
        r = call("GET", "/organisaties?pageSize=1")
        if r and r[0] == 200:
            org = r[2]["resultaten"][0]["id"]
        time.sleep(0.05)
    acked = []
    threads = [threading.Thread(target=writer, args=(w, org, acked)) for w in range(1, 9)]
    for t in threads: t.start()
    for t in threads: t.join()
    with open(f"{d}/acked.json", "w") as f:
        json.dump(acked, f)
    print(f"{len(acked)} writes acknowledged")


def verify():
    acked = json.load(open(f"{d}/acked.json"))
    last = {}
    for id_, title, status in acked:
        last[id_] = (title, status)  # the last acknowledged state per item wins
    db = sqlite3.connect(f"{d}/wegwijzer.db")
    rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, title, status FROM listings")}
    missing = [i for i in last if i not in rows]
    wrong = [i for i, v in last.items() if i in rows and rows[i] != v]
    print(f"acknowledged writes: {len(acked)} on {len(last)} items; missing from the database: {len(missing)}; not the last acknowledged version: {len(wrong)}")
    public = {r[0]: r[1] for r in db.execute(
        "SELECT id, title FROM listings WHERE status = 'gepubliceerd' "
        "AND (end_date IS NULL OR end_date >= date('now', '+1 hour'))")}
    deadline = time.time() + 30
    started = time.time()
    while True:
        found, page = {}, 1
        try:
            while True:
                r = call("GET", f"/aanbod?pageSize=100&page={page}&sorteer=titel")
                if r is None or r[0] != 200:
                    raise RuntimeError(r)
                found.update({x["id"]: x["titel"] for x in r[2]["resultaten"]})
                if page * 100 >= r[2]["totaal"]:
                    break
                page += 1
        except Exception as e:  # still starting
            found = {"error": str(e)}
        extra = set(found) - set(public)
        absent = set(public) - set(found)
        stale = [i for i in public if i in found and found[i] != public[i]]
        if not extra and not absent and not stale:
            print(f"search agrees with the database: {len(found)} items, after {time.time() - started:.1f} s")
            break
        if time.time() > deadline:
            print(f"FAIL after 30 s: extra {len(extra)}, missing {len(absent)}, stale {len(stale)}")
            sys.exit(1)
        time.sleep(0.5)
    if missing or wrong or len(acked) != 1000:
        sys.exit(1)


verify() if "--verify" in sys.argv else run()
