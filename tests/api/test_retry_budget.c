/* test_retry_budget.c: a dead endpoint fails fast: connection errors are retried with backoff,
 * but the manager's shared retry budget (a token bucket) stops the retries of many transfers
 * instead of multiplying requests. No server: the endpoint is a closed port. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xfer/xfer.h"

#define N 40

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_dead_endpoint_fails_fast(void **state) {
  (void)state;
  xfer_config *c = xfer_config_new();
  assert_int_equal(xfer_config_set_endpoint(c, "http://127.0.0.1:9"), XFER_OK);
  assert_int_equal(xfer_config_set_credentials(c, "AK", "SK", NULL), XFER_OK);
  assert_int_equal(xfer_config_set_max_concurrency(c, 20), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_future *f[N];
  double t0 = now_s();
  for (int i = 0; i < N; i++) {
    char key[32];
    snprintf(key, sizeof key, "k%d", i);
    f[i] = xfer_delete(m, "b", key, NULL);
    assert_non_null(f[i]);
  }
  int exhausted = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(xfer_future_wait(f[i], -1), XFER_ENETWORK);
    if (strstr(xfer_future_error_message(f[i]), "retry budget exhausted")) exhausted++;
    xfer_future_free(f[i]);
  }
  double took = now_s() - t0;
  fprintf(stderr, "  %d transfers to a dead endpoint failed in %.1f s; %d stopped by the budget\n",
          N, took, exhausted);
  /* 40 transfers x 4 retries would cost 1,600 tokens; the bucket holds 500 (10 per retry). */
  assert_true(exhausted > 0);
  assert_true(took < 30);
  xfer_manager_free(m);
  xfer_config_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_dead_endpoint_fails_fast)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
