/* version_check.c: checks xfer_version() against the header version macros, then prints it. */
#include <stdio.h>
#include <string.h>

#include <xfer/xfer.h>

int main(void) {
  char macros[64];
  snprintf(macros, sizeof macros, "%d.%d.%d", XFER_VERSION_MAJOR, XFER_VERSION_MINOR,
           XFER_VERSION_PATCH);
  const char *run_time = xfer_version();
  if (!run_time || strcmp(run_time, XFER_VERSION_STRING) != 0) {
    fprintf(stderr, "xfer_version() is %s, XFER_VERSION_STRING is %s\n",
            run_time ? run_time : "NULL", XFER_VERSION_STRING);
    return 1;
  }
  if (strcmp(macros, XFER_VERSION_STRING) != 0) {
    fprintf(stderr, "XFER_VERSION_MAJOR.MINOR.PATCH is %s, XFER_VERSION_STRING is %s\n", macros,
            XFER_VERSION_STRING);
    return 1;
  }
  if (XFER_VERSION_NUMBER !=
      XFER_VERSION_MAJOR * 10000 + XFER_VERSION_MINOR * 100 + XFER_VERSION_PATCH) {
    fprintf(stderr, "XFER_VERSION_NUMBER is %d\n", XFER_VERSION_NUMBER);
    return 1;
  }
  printf("%s\n", run_time);
  return 0;
}
