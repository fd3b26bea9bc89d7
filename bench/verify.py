# verify.py: untimed helper of bench/run.sh: CRC-32 of local files and of stored objects, seeding and clean-up.
"""Run with Debian's /usr/bin/python3. Every checksum is zlib's CRC-32 of the bytes
concatenated in sorted name order, printed as "CRC32HEX SIZE COUNT".

    verify.py crc PATH                 a file, or every regular file of a folder
    verify.py crc-stdin COUNT          what arrives on stdin (COUNT objects fetched by curl)
    verify.py get KEY                  one object, read back with plain GetObject
    verify.py get-prefix PREFIX        every object under PREFIX (ListObjectsV2, sorted)
    verify.py delete KEY | delete-prefix PREFIX
    verify.py seed FILE KEY            upload (one PutObject; "x-s3fast-md5: on" with
                                       BENCH_SEED_MD5=1 so that the fast server stores a
                                       real MD5 ETag, which rclone checks on download)
    verify.py seed-dir DIR PREFIX      every file of DIR as PREFIX+name

Server from BENCH_ENDPOINT, BENCH_BUCKET and the AWS_* credentials.
"""
import os
import sys
import zlib

CHUNK = 1 << 20


def crc_paths(paths):
    # readinto one buffer: read(n) would allocate (and fault in) n fresh bytes per call,
    # which from a pipe costs seconds per GiB
    crc, size = 0, 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while True:
                n = f.readinto(buf)
                if not n:
                    break
                crc = zlib.crc32(view[:n], crc)
                size += n
    return crc, size


def files_of(path):
    if os.path.isdir(path):
        return [os.path.join(path, n) for n in sorted(os.listdir(path))
                if os.path.isfile(os.path.join(path, n))]
    return [path]


def client():
    import boto3
    from botocore.config import Config

    c = boto3.session.Session().client(
        "s3", endpoint_url=os.environ["BENCH_ENDPOINT"],
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))
    if os.environ.get("BENCH_SEED_MD5") == "1":
        def add(request, **_):
            request.headers["x-s3fast-md5"] = "on"
        c.meta.events.register("before-sign.s3.PutObject", add)
    return c


def keys_under(c, bucket, prefix):
    keys = []
    for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return sorted(keys)


def crc_objects(c, bucket, keys):
    crc, size = 0, 0
    for k in keys:
        body = c.get_object(Bucket=bucket, Key=k)["Body"]
        while True:
            b = body.read(256 * 1024)
            if not b:
                break
            crc = zlib.crc32(b, crc)
            size += len(b)
    return crc, size


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "crc-stdin":
        crc, size = crc_paths(["/dev/stdin"])
        print(f"{crc:08x} {size} {args[0]}")
        return 0
    if mode == "crc":
        paths = files_of(args[0])
        crc, size = crc_paths(paths)
        print(f"{crc:08x} {size} {len(paths)}")
        return 0
    bucket = os.environ["BENCH_BUCKET"]
    c = client()
    if mode in ("get", "get-prefix"):
        keys = [args[0]] if mode == "get" else keys_under(c, bucket, args[0])
        crc, size = crc_objects(c, bucket, keys)
        print(f"{crc:08x} {size} {len(keys)}")
    elif mode == "delete":
        c.delete_object(Bucket=bucket, Key=args[0])
    elif mode == "delete-prefix":
        keys = keys_under(c, bucket, args[0])
        for i in range(0, len(keys), 1000):
            c.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    elif mode == "seed":
        with open(args[0], "rb") as f:
            c.put_object(Bucket=bucket, Key=args[1], Body=f)
    elif mode == "seed-dir":
        for p in files_of(args[0]):
            with open(p, "rb") as f:
                c.put_object(Bucket=bucket, Key=args[1] + os.path.basename(p), Body=f)
    else:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
