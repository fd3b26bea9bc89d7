#!/usr/bin/env bash
# run_example.sh: runs a Java example as a user would, with AWS_* variables taken from the test server's env file ($XFER_TEST_ENV_FILE); usage: run_example.sh JAVA [JVM args...] CLASS
set -euo pipefail
: "${XFER_TEST_ENV_FILE:?XFER_TEST_ENV_FILE is not set}"
# shellcheck disable=SC1090
. "$XFER_TEST_ENV_FILE"
export AWS_ENDPOINT_URL=$XFER_TEST_ENDPOINT
export AWS_REGION=$XFER_TEST_REGION
export AWS_ACCESS_KEY_ID=$XFER_TEST_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$XFER_TEST_SECRET_KEY
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
exec "$@" "$XFER_TEST_BUCKET" "examples/java-roundtrip-$$"
