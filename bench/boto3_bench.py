# boto3_bench.py: the boto3 side of bench/run.sh: s3transfer (default TransferConfig) or the CRT transfer manager.
"""Run with Debian's /usr/bin/python3 (boto3 1.26, s3transfer 0.6, awscrt 0.16):

    boto3_bench.py s3transfer|crt upload-file PATH KEY
    boto3_bench.py s3transfer     upload-stdin KEY        (the CRT manager takes file names only)
    boto3_bench.py s3transfer|crt download-file KEY PATH
    boto3_bench.py s3transfer|crt upload-many DIR PREFIX  (every file through one manager)
    boto3_bench.py s3transfer|crt download-many PREFIX DIR (ListObjectsV2, then one manager)

Endpoint, bucket and credentials from BENCH_ENDPOINT, BENCH_BUCKET, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION. Exits 3 for a combination the client lacks.
"""
import os
import sys
import time

import boto3
import botocore.session
from botocore.config import Config

PATH_STYLE = Config(s3={"addressing_style": "path"})


def names_in(folder):
    return sorted(n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n)))


def list_keys(client, bucket, prefix):
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return keys


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    kind, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    endpoint = os.environ["BENCH_ENDPOINT"]
    bucket = os.environ["BENCH_BUCKET"]
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    session = boto3.session.Session()
    client = session.client("s3", endpoint_url=endpoint, region_name=region, config=PATH_STYLE)
    t0 = time.monotonic()
    count = 0
    if kind == "s3transfer":
        from boto3.s3.transfer import TransferConfig, create_transfer_manager

        if mode == "upload-file":
            client.upload_file(args[0], bucket, args[1])
        elif mode == "upload-stdin":
            client.upload_fileobj(sys.stdin.buffer, bucket, args[0])
        elif mode == "download-file":
            client.download_file(bucket, args[0], args[1])
        elif mode in ("upload-many", "download-many"):
            with create_transfer_manager(client, TransferConfig()) as tm:
                if mode == "upload-many":
                    futures = [tm.upload(os.path.join(args[0], n), bucket, args[1] + n)
                               for n in names_in(args[0])]
                else:
                    futures = [tm.download(bucket, k, os.path.join(args[1], k[len(args[0]):]))
                               for k in list_keys(client, bucket, args[0])]
                for f in futures:
                    f.result()
                count = len(futures)
        else:
            return 2
    elif kind == "crt":
        from s3transfer.crt import (BotocoreCRTRequestSerializer, CRTTransferManager,
                                    create_s3_crt_client)

        if mode == "upload-stdin":
            print("s3transfer 0.6's CRTTransferManager uploads file names only", file=sys.stderr)
            return 3
        bsession = botocore.session.Session()
        crt = create_s3_crt_client(
            region, botocore_credential_provider=bsession.get_component("credential_provider"),
            use_ssl=endpoint.startswith("https:"))
        serializer = BotocoreCRTRequestSerializer(
            bsession, {"region_name": region, "endpoint_url": endpoint, "config": PATH_STYLE})
        with CRTTransferManager(crt, serializer) as tm:
            if mode == "upload-file":
                futures = [tm.upload(args[0], bucket, args[1])]
            elif mode == "download-file":
                futures = [tm.download(bucket, args[0], args[1])]
            elif mode == "upload-many":
                futures = [tm.upload(os.path.join(args[0], n), bucket, args[1] + n)
                           for n in names_in(args[0])]
            elif mode == "download-many":
                futures = [tm.download(bucket, k, os.path.join(args[1], k[len(args[0]):]))
                           for k in list_keys(client, bucket, args[0])]
            else:
                return 2
            for f in futures:
                f.result()
            count = len(futures)
    else:
        return 2
    print(f"{kind} {mode} transfers={count or 1} seconds={time.monotonic() - t0:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
