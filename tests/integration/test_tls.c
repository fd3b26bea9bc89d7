/* test_tls.c: https endpoints: a custom CA bundle is used and verified, an unknown CA is
 * refused, verification can be turned off. A TLS front (tests/servers/tls_front.py) with a
 * certificate made here relays to the test server. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char g_https[64];
static char g_ca[700];
static pid_t g_front;

static int setup(void **state) {
  (void)state;
  const test_env *e = env_get();
  char cmd[4096];
  snprintf(g_ca, sizeof g_ca, "%s/cert.pem", tmp_dir());
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
           "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/key.pem' -out '%s' 2>/dev/null",
           tmp_dir(), g_ca);
  if (system(cmd) != 0) return -1;
  int upstream = atoi(strrchr(e->endpoint, ':') + 1);
  char port_file[800], upstream_s[16], owner[16], key[800];
  snprintf(port_file, sizeof port_file, "%s/tls.port", tmp_dir());
  snprintf(key, sizeof key, "%s/key.pem", tmp_dir());
  snprintf(upstream_s, sizeof upstream_s, "%d", upstream);
  snprintf(owner, sizeof owner, "%d", (int)getpid());
  char script[700];
  snprintf(script, sizeof script, "%s", e->s3check);
  strcpy(strrchr(script, '/') + 1, "tls_front.py");
  g_front = fork();
  if (g_front == 0) {
    execl("/usr/bin/python3", "python3", script, "--upstream-port", upstream_s, "--cert", g_ca,
          "--key", key, "--port-file", port_file, "--owner-pid", owner, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 100; i++) {
    FILE *f = fopen(port_file, "r");
    int port = 0;
    if (f && fscanf(f, "%d", &port) == 1 && port > 0) {
      fclose(f);
      snprintf(g_https, sizeof g_https, "https://127.0.0.1:%d", port);
      return 0;
    }
    if (f) fclose(f);
    usleep(100000);
  }
  return -1;
}

static int teardown(void **state) {
  (void)state;
  if (g_front > 0) {
    kill(g_front, SIGTERM);
    waitpid(g_front, NULL, 0);
  }
  tmp_cleanup();
  return 0;
}

static xfer_status roundtrip(const char *ca, int verify) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_endpoint(c, g_https), XFER_OK);
  assert_int_equal(xfer_config_set_ca_bundle(c, ca), XFER_OK);
  assert_int_equal(xfer_config_set_verify_tls(c, verify), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  size_t size = 6 * 1024 * 1024 + 11; /* several TLS records, one multipart part boundary */
  uint8_t *data = random_bytes(size, 31);
  char *path = write_temp_file("tls.bin", data, size);
  char key[256];
  snprintf(key, sizeof key, "%stls/object", run_prefix());
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  xfer_status s = wait_status(f);
  xfer_future_free(f);
  if (s == XFER_OK) {
    mem_writer w = {malloc(size), size, 0, 0, 0};
    f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    assert_int_equal(w.len, size);
    assert_memory_equal(w.data, data, size);
    xfer_future_free(f);
    free(w.data);
  }
  free(data);
  xfer_manager_free(m);
  return s;
}

static void test_custom_ca_bundle(void **state) {
  (void)state;
  assert_int_equal(roundtrip(g_ca, 1), XFER_OK);
}

static void test_unknown_ca_refused(void **state) {
  (void)state;
  /* The system bundle does not know our self-signed certificate. */
  assert_int_equal(roundtrip("", 1), XFER_ENETWORK);
}

static void test_verification_off(void **state) {
  (void)state;
  assert_int_equal(roundtrip("", 0), XFER_OK);
}

int main(void) {
  env_get();
  /* Machine-wide CA variables must not decide what "no CA configured" means here. */
  unsetenv("CURL_CA_BUNDLE");
  unsetenv("SSL_CERT_FILE");
  unsetenv("AWS_CA_BUNDLE");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_custom_ca_bundle),
      cmocka_unit_test(test_unknown_ca_refused),
      cmocka_unit_test(test_verification_off),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
