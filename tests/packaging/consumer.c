/* consumer.c: a small outside program built against the installed libxfer; needs no server. */
#include <stdio.h>
#include <string.h>

#include <xfer/xfer.h>

#define CHECK(cond)                                                                               \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      fprintf(stderr, "consumer: %s failed (line %d): %s\n", #cond, __LINE__, xfer_last_error()); \
      return 1;                                                                                   \
    }                                                                                             \
  } while (0)

int main(void) {
  printf("libxfer %s (headers %s)\n", xfer_version(), XFER_VERSION_STRING);
  CHECK(strcmp(xfer_version(), XFER_VERSION_STRING) == 0);

  xfer_config *cfg = xfer_config_new();
  CHECK(cfg != NULL);
  CHECK(xfer_config_set_endpoint(cfg, "http://127.0.0.1:9") == XFER_OK);
  CHECK(xfer_config_set_region(cfg, "eu-west-1") == XFER_OK);
  CHECK(xfer_config_set_credentials(cfg, "AKIDEXAMPLE", "secret", NULL) == XFER_OK);
  CHECK(xfer_config_set_multipart_chunksize(cfg, 16u << 20) == XFER_OK);
  /* Errors are a status plus a message, never a crash. */
  CHECK(xfer_config_set_region(cfg, "") == XFER_EINVAL);
  CHECK(strlen(xfer_last_error()) > 0);
  CHECK(strcmp(xfer_status_str(XFER_EINVAL), "XFER_EINVAL") == 0);

  /* Presigning exercises SigV4 and the crypto it links, without a request. */
  char *url = NULL;
  CHECK(xfer_presign(cfg, "GET", "bucket", "a key", 600, &url) == XFER_OK);
  CHECK(strncmp(url, "http://127.0.0.1:9/bucket/a%20key?", 34) == 0);
  CHECK(strstr(url, "X-Amz-Signature=") != NULL);
  xfer_string_free(url);

  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg);
  CHECK(m != NULL);
  CHECK(xfer_manager_shutdown(m, 1) == XFER_OK);
  CHECK(xfer_upload_file(m, "/dev/null", "bucket", "key", NULL, NULL, NULL) == NULL);
  xfer_manager_free(m);
  printf("consumer ok\n");
  return 0;
}
