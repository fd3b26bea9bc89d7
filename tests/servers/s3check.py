#!/usr/bin/python3
# tests/servers/s3check.py: independent stdlib-only S3 client (own SigV4) that integration tests use to inspect what a server stored.
"""Independent S3 checker for libxfer's integration tests.

Runs with Debian's /usr/bin/python3 and only the standard library: it signs every
request with SigV4 itself (hmac/hashlib), so it shares no code with libxfer.
Connection settings come from the environment written by tests/servers/start.sh:
XFER_TEST_ENDPOINT, XFER_TEST_ACCESS_KEY, XFER_TEST_SECRET_KEY, XFER_TEST_REGION.

Every subcommand prints JSON on stdout. Exit status: 0 success, 1 the server answered
an HTTP error (status, S3 code and body are printed to stderr; `head` still prints its
JSON on stdout first), 2 bad usage, 3 no connection to the server or a local I/O error.

Subcommands:
  list-buckets                               -> ["bucket", ...]
  make-bucket BUCKET                         -> {"bucket", "created"}   (already ours: created=false)
  list-objects BUCKET [PREFIX]               -> [{"key", "size", "etag"}]  (ListObjectsV2, every page)
  list-uploads BUCKET                        -> [{"key", "upload_id"}]     (every page)
  list-parts BUCKET KEY UPLOAD_ID            -> [{"part", "size", "etag"}] (every page)
  head BUCKET KEY                            -> {"status", "headers"}      (header names lower-cased)
  get BUCKET KEY OUTFILE                     -> {"status", "size", "etag"}
  put BUCKET KEY INFILE                      -> {"etag", "size"}
  delete BUCKET KEY                          -> {"status"}
  create-multipart BUCKET KEY                -> "UPLOAD_ID"
  upload-part BUCKET KEY UPLOAD_ID N INFILE  -> {"part", "etag", "size"}
  complete-multipart BUCKET KEY UPLOAD_ID [N:ETAG ...]
                                             -> {"etag"}  (without N:ETAG: every part ListParts shows)
  abort-all BUCKET                           -> [{"key", "upload_id"}] (the uploads aborted)

Keys are sent exactly as given: every byte except A-Za-z0-9-._~ and '/' is
percent-encoded, and nothing is path-normalised ('//', '..' stay as they are).
"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
CHUNK = 1 << 20


class HttpError(Exception):
    def __init__(self, method, path, status, reason, body):
        self.status = status
        self.code = None
        self.message = None
        try:
            root = ET.fromstring(body)
            self.code = _text(root, "Code")
            self.message = _text(root, "Message")
        except ET.ParseError:
            pass
        text = body.decode("utf-8", "replace")[:2000]
        super().__init__("%s %s -> HTTP %d %s%s\n%s" % (
            method, path, status, reason,
            " (%s)" % self.code if self.code else "", text))


class UsageError(Exception):
    pass


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _children(elem, name):
    return [c for c in elem if _local(c.tag) == name]


def _text(elem, name, default=None):
    for c in elem:
        if _local(c.tag) == name:
            return c.text if c.text is not None else ""
    return default


def uri_encode(s, keep_slash):
    """S3 URI encoding: every byte but unreserved (and '/' in paths) as %XX."""
    return urllib.parse.quote(s.encode("utf-8"), safe="/~" if keep_slash else "~")


def _sign(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


class Client:
    def __init__(self):
        try:
            endpoint = os.environ["XFER_TEST_ENDPOINT"]
            self.access_key = os.environ["XFER_TEST_ACCESS_KEY"]
            self.secret_key = os.environ["XFER_TEST_SECRET_KEY"]
        except KeyError as e:
            raise UsageError("environment variable %s is not set (source RUNDIR/env)" % e)
        self.region = os.environ.get("XFER_TEST_REGION", "us-east-1")
        u = urllib.parse.urlsplit(endpoint)
        if u.scheme != "http" or not u.hostname:
            raise UsageError("XFER_TEST_ENDPOINT must be http://HOST:PORT, got %r" % endpoint)
        self.host = u.hostname
        self.port = u.port or 80
        self.host_header = u.netloc
        self.timeout = float(os.environ.get("S3CHECK_TIMEOUT", "60"))

    def path(self, bucket=None, key=None):
        p = "/"
        if bucket:
            p += uri_encode(bucket, True)
            if key is not None:
                p += "/" + uri_encode(key, True)
        return p

    def _auth_headers(self, method, path, query, headers, payload_hash):
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        day = amz_date[:8]
        h = {k.lower(): str(v).strip() for k, v in headers.items()}
        h["host"] = self.host_header
        h["x-amz-date"] = amz_date
        h["x-amz-content-sha256"] = payload_hash
        signed = sorted(h)
        canon_query = "&".join(
            "%s=%s" % (uri_encode(k, False), uri_encode(v, False))
            for k, v in sorted(query))
        canon = "\n".join([
            method, path, canon_query,
            "".join("%s:%s\n" % (k, " ".join(h[k].split())) for k in signed),
            ";".join(signed), payload_hash])
        scope = "%s/%s/s3/aws4_request" % (day, self.region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canon.encode("utf-8")).hexdigest()])
        k = _sign(("AWS4" + self.secret_key).encode("utf-8"), day)
        k = _sign(k, self.region)
        k = _sign(k, "s3")
        k = _sign(k, "aws4_request")
        sig = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        h["authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
            % (self.access_key, scope, ";".join(signed), sig))
        return h

    def request(self, method, path, query=(), headers=None, body=None,
                body_file=None, out_file=None, ok=(200,)):
        """Sends one signed request. body: bytes; body_file: path streamed from disk;
        out_file: path the response body is streamed to. Returns (status, headers, body)."""
        headers = dict(headers or {})
        query = list(query)
        if body_file is not None:
            digest = hashlib.sha256()
            size = 0
            with open(body_file, "rb") as f:
                for block in iter(lambda: f.read(CHUNK), b""):
                    digest.update(block)
                    size += len(block)
            payload_hash = digest.hexdigest()
            headers["Content-Length"] = str(size)
        else:
            body = body or b""
            payload_hash = hashlib.sha256(body).hexdigest()
            if body or method in ("PUT", "POST"):
                headers["Content-Length"] = str(len(body))
        all_headers = self._auth_headers(method, path, query, headers, payload_hash)
        url = path
        if query:
            url += "?" + "&".join(
                "%s=%s" % (uri_encode(k, False), uri_encode(v, False)) for k, v in query)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.putrequest(method, url, skip_host=True, skip_accept_encoding=True)
            for k, v in all_headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            if body_file is not None:
                with open(body_file, "rb") as f:
                    for block in iter(lambda: f.read(CHUNK), b""):
                        conn.send(block)
            elif body:
                conn.send(body)
            resp = conn.getresponse()
            rheaders = {k.lower(): v for k, v in resp.getheaders()}
            if resp.status in ok and out_file is not None:
                size = 0
                tmp = out_file + ".s3check-tmp"
                with open(tmp, "wb") as f:
                    for block in iter(lambda: resp.read(CHUNK), b""):
                        f.write(block)
                        size += len(block)
                os.replace(tmp, out_file)
                rbody = size
            else:
                rbody = resp.read() if method != "HEAD" else b""
        finally:
            conn.close()
        if resp.status not in ok:
            raise HttpError(method, url, resp.status, resp.reason, rbody)
        return resp.status, rheaders, rbody


def _xml(body):
    return ET.fromstring(body)


def cmd_list_buckets(c):
    _, _, body = c.request("GET", "/")
    root = _xml(body)
    out = []
    for buckets in _children(root, "Buckets"):
        for b in _children(buckets, "Bucket"):
            out.append(_text(b, "Name"))
    return out


def cmd_make_bucket(c, bucket):
    try:
        c.request("PUT", c.path(bucket))
        return {"bucket": bucket, "created": True}
    except HttpError as e:
        # s3rver answers BucketAlreadyExists even for its only user's own bucket
        if e.status == 409 and (e.code == "BucketAlreadyOwnedByYou"
                                or bucket in cmd_list_buckets(c)):
            return {"bucket": bucket, "created": False}
        raise


def cmd_list_objects(c, bucket, prefix=""):
    out = []
    token = None
    while True:
        q = [("list-type", "2")]
        if prefix:
            q.append(("prefix", prefix))
        if token:
            q.append(("continuation-token", token))
        _, _, body = c.request("GET", c.path(bucket), q)
        root = _xml(body)
        for o in _children(root, "Contents"):
            out.append({"key": _text(o, "Key"), "size": int(_text(o, "Size", "0")),
                        "etag": _text(o, "ETag")})
        token = _text(root, "NextContinuationToken")
        if _text(root, "IsTruncated", "false").lower() != "true" or not token:
            return out


def cmd_list_uploads(c, bucket):
    out = []
    key_marker = upload_marker = None
    while True:
        q = [("uploads", "")]
        if key_marker:
            q.append(("key-marker", key_marker))
        if upload_marker:
            q.append(("upload-id-marker", upload_marker))
        _, _, body = c.request("GET", c.path(bucket), q)
        root = _xml(body)
        for u in _children(root, "Upload"):
            out.append({"key": _text(u, "Key"), "upload_id": _text(u, "UploadId")})
        if _text(root, "IsTruncated", "false").lower() != "true":
            return out
        key_marker = _text(root, "NextKeyMarker")
        upload_marker = _text(root, "NextUploadIdMarker")
        if not key_marker and not upload_marker:
            return out


def cmd_list_parts(c, bucket, key, upload_id):
    out = []
    marker = None
    while True:
        q = [("uploadId", upload_id)]
        if marker:
            q.append(("part-number-marker", marker))
        _, _, body = c.request("GET", c.path(bucket, key), q)
        root = _xml(body)
        for p in _children(root, "Part"):
            out.append({"part": int(_text(p, "PartNumber")), "size": int(_text(p, "Size", "0")),
                        "etag": _text(p, "ETag")})
        marker = _text(root, "NextPartNumberMarker")
        if _text(root, "IsTruncated", "false").lower() != "true" or not marker:
            return out


def cmd_head(c, bucket, key):
    try:
        status, headers, _ = c.request("HEAD", c.path(bucket, key))
    except HttpError as e:
        print(json.dumps({"status": e.status, "headers": {}}, indent=1))
        raise
    return {"status": status, "headers": headers}


def cmd_get(c, bucket, key, outfile):
    status, headers, size = c.request("GET", c.path(bucket, key), out_file=outfile)
    return {"status": status, "size": size, "etag": headers.get("etag")}


def cmd_put(c, bucket, key, infile):
    _, headers, _ = c.request("PUT", c.path(bucket, key), body_file=infile)
    return {"etag": headers.get("etag"), "size": os.path.getsize(infile)}


def cmd_delete(c, bucket, key):
    status, _, _ = c.request("DELETE", c.path(bucket, key), ok=(200, 204))
    return {"status": status}


def cmd_create_multipart(c, bucket, key):
    _, _, body = c.request("POST", c.path(bucket, key), [("uploads", "")])
    return _text(_xml(body), "UploadId")


def cmd_upload_part(c, bucket, key, upload_id, n, infile):
    part = int(n)
    _, headers, _ = c.request("PUT", c.path(bucket, key),
                              [("partNumber", str(part)), ("uploadId", upload_id)],
                              body_file=infile)
    return {"part": part, "etag": headers.get("etag"), "size": os.path.getsize(infile)}


def cmd_complete_multipart(c, bucket, key, upload_id, *pairs):
    if pairs:  # N:ETAG as given (servers without ListParts, e.g. s3rver)
        parts = []
        for pair in pairs:
            n, sep, etag = pair.partition(":")
            if not sep or not n.isdigit():
                raise UsageError("complete-multipart: expected N:ETAG, got %r" % pair)
            parts.append({"part": int(n), "etag": etag})
    else:
        parts = cmd_list_parts(c, bucket, key, upload_id)
    body = "<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % "".join(
        "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (p["part"], escape(p["etag"]))
        for p in parts)
    _, _, rbody = c.request("POST", c.path(bucket, key), [("uploadId", upload_id)],
                            body=body.encode("utf-8"))
    root = _xml(rbody)
    if _local(root.tag) == "Error":  # S3 may send an error inside a 200
        raise HttpError("POST", c.path(bucket, key), 200, "OK (error body)", rbody)
    return {"etag": _text(root, "ETag")}


def cmd_abort_all(c, bucket):
    aborted = []
    for u in cmd_list_uploads(c, bucket):
        c.request("DELETE", c.path(bucket, u["key"]), [("uploadId", u["upload_id"])],
                  ok=(204, 200))
        aborted.append(u)
    return aborted


COMMANDS = {
    "list-buckets": (cmd_list_buckets, 0, 0),
    "make-bucket": (cmd_make_bucket, 1, 1),
    "list-objects": (cmd_list_objects, 1, 2),
    "list-uploads": (cmd_list_uploads, 1, 1),
    "list-parts": (cmd_list_parts, 3, 3),
    "head": (cmd_head, 2, 2),
    "get": (cmd_get, 3, 3),
    "put": (cmd_put, 3, 3),
    "delete": (cmd_delete, 2, 2),
    "create-multipart": (cmd_create_multipart, 2, 2),
    "upload-part": (cmd_upload_part, 5, 5),
    "complete-multipart": (cmd_complete_multipart, 3, 10003),
    "abort-all": (cmd_abort_all, 1, 1),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        return 2
    fn, lo, hi = COMMANDS[argv[1]]
    args = argv[2:]
    if not lo <= len(args) <= hi:
        sys.stderr.write("s3check: %s takes %d..%d arguments, got %d\n"
                         % (argv[1], lo, hi, len(args)))
        return 2
    try:
        result = fn(Client(), *args)
    except UsageError as e:
        sys.stderr.write("s3check: %s\n" % e)
        return 2
    except HttpError as e:
        sys.stderr.write("s3check: %s\n" % e)
        return 1
    except (OSError, http.client.HTTPException) as e:
        sys.stderr.write("s3check: %s: %s\n" % (argv[1], e))
        return 3
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
