/* s3fast.c: a fast local S3 stand-in for benchmarks only (no auth, data in tmpfs, sendfile GETs).
 *
 * usage: s3fast -d DATADIR [-a 127.0.0.1] [-p PORT] [-M MD5_MAX_BYTES] [-v]
 *
 * One thread per connection, HTTP/1.1 keep-alive, path-style addressing. Objects are
 * stored as unlinked O_TMPFILE files in DATADIR (put it on tmpfs); a multipart object is
 * kept as its list of part files, so CompleteMultipartUpload copies nothing. Speaks what
 * the benchmarked clients need: PutObject, UploadPart, Create/Complete/AbortMultipartUpload,
 * GetObject (Range, partNumber, If-Match), HeadObject, DeleteObject(s), ListObjects v1/v2
 * (prefix, delimiter, pagination, encoding-type=url), bucket HEAD/PUT/GET location and
 * ListBuckets; bodies may be Content-Length, Transfer-Encoding: chunked and/or aws-chunked.
 * It checks no signature and no payload hash, Content-MD5 or x-amz-checksum-*; ETags
 * are real MD5s only for single PUTs up to MD5_MAX_BYTES (default 1 MiB) or when the
 * request carries "x-s3fast-md5: on"; a larger single PUT that carries Content-MD5 gets
 * that value as its ETag, unchecked; parts and other objects get unique fake ETags.
 * Prints "listening on ADDR:PORT" on stdout once it accepts connections.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HDR_MAX (64 * 1024)
#define IO_BUF (512 * 1024)
#define MAX_PARTS 10000
#define MAX_QUERY 32
#define META_MAX 4096

static const char *g_datadir;
static uint64_t g_md5_max = 1024 * 1024;
static int g_verbose;

/* ------------------------------------------------------------------ growable string */

typedef struct sb {
  char *p;
  size_t len, cap;
} sb;

static void sb_reserve(sb *s, size_t more) {
  if (s->len + more + 1 <= s->cap) return;
  size_t cap = s->cap ? s->cap : 256;
  while (cap < s->len + more + 1) cap *= 2;
  char *p = realloc(s->p, cap);
  if (!p) abort();
  s->p = p;
  s->cap = cap;
}
static void sb_add(sb *s, const char *d, size_t n) {
  sb_reserve(s, n);
  memcpy(s->p + s->len, d, n);
  s->len += n;
  s->p[s->len] = 0;
}
static void sb_puts(sb *s, const char *d) { sb_add(s, d, strlen(d)); }
static void sb_printf(sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  sb_reserve(s, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  s->len += (size_t)n;
}
static void sb_xml(sb *s, const char *d) { /* XML text escaping */
  for (; *d; d++) {
    switch (*d) {
      case '&': sb_puts(s, "&amp;"); break;
      case '<': sb_puts(s, "&lt;"); break;
      case '>': sb_puts(s, "&gt;"); break;
      case '"': sb_puts(s, "&quot;"); break;
      case '\'': sb_puts(s, "&apos;"); break;
      default: sb_add(s, d, 1);
    }
  }
}
static void sb_urlenc(sb *s, const char *d) { /* encoding-type=url: all but unreserved and '/' */
  static const char hex[] = "0123456789ABCDEF";
  for (; *d; d++) {
    unsigned char c = (unsigned char)*d;
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      sb_add(s, (const char *)&c, 1);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      sb_add(s, e, 3);
    }
  }
}
/* A key, prefix or token in a listing: URL-encoded when asked, XML-escaped always. */
static void sb_keyval(sb *s, const char *d, int urlenc) {
  if (!urlenc) {
    sb_xml(s, d);
    return;
  }
  sb t = {0};
  sb_urlenc(&t, d);
  sb_xml(s, t.p ? t.p : "");
  free(t.p);
}

/* ------------------------------------------------------------------ objects and uploads */

typedef struct seg {
  int fd;
  uint64_t size;
} seg;

typedef struct object {
  int refs; /* under g_lock */
  uint64_t size;
  time_t mtime;
  char etag[80]; /* quoted */
  char *meta;    /* "Content-Type: ...\r\nx-amz-meta-...: ...\r\n" as received */
  int nseg;
  seg *segs;
} object;

typedef struct node {
  char *key; /* "bucket/key" */
  object *obj;
  struct node *next;
} node;

typedef struct upload {
  char id[40];
  char *key;
  char *meta;
  int nparts; /* highest part number seen */
  seg parts[MAX_PARTS + 1];
  struct upload *next;
} upload;

#define NBUCKETS 65536
static node *g_table[NBUCKETS];
static upload *g_uploads;
static char **g_buckets;
static int g_nbuckets;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_counter;

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static void obj_unref_locked(object *o) {
  if (!o || --o->refs > 0) return;
  for (int i = 0; i < o->nseg; i++) close(o->segs[i].fd);
  free(o->segs);
  free(o->meta);
  free(o);
}

static object *obj_get(const char *key) { /* with a reference */
  pthread_mutex_lock(&g_lock);
  node *n = g_table[hash_str(key) % NBUCKETS];
  while (n && strcmp(n->key, key) != 0) n = n->next;
  object *o = n ? n->obj : NULL;
  if (o) o->refs++;
  pthread_mutex_unlock(&g_lock);
  return o;
}

static void obj_put(const char *key, object *o) { /* takes the caller's reference */
  pthread_mutex_lock(&g_lock);
  node **pn = &g_table[hash_str(key) % NBUCKETS];
  while (*pn && strcmp((*pn)->key, key) != 0) pn = &(*pn)->next;
  if (*pn) {
    obj_unref_locked((*pn)->obj);
    (*pn)->obj = o;
  } else {
    node *n = calloc(1, sizeof *n);
    n->key = strdup(key);
    n->obj = o;
    *pn = n;
  }
  pthread_mutex_unlock(&g_lock);
}

static int obj_delete(const char *key) {
  int found = 0;
  pthread_mutex_lock(&g_lock);
  node **pn = &g_table[hash_str(key) % NBUCKETS];
  while (*pn && strcmp((*pn)->key, key) != 0) pn = &(*pn)->next;
  if (*pn) {
    node *n = *pn;
    *pn = n->next;
    obj_unref_locked(n->obj);
    free(n->key);
    free(n);
    found = 1;
  }
  pthread_mutex_unlock(&g_lock);
  return found;
}

static void obj_release(object *o) {
  pthread_mutex_lock(&g_lock);
  obj_unref_locked(o);
  pthread_mutex_unlock(&g_lock);
}

static void bucket_add(const char *b) {
  pthread_mutex_lock(&g_lock);
  int found = 0;
  for (int i = 0; i < g_nbuckets; i++) found |= strcmp(g_buckets[i], b) == 0;
  if (!found) {
    g_buckets = realloc(g_buckets, sizeof(char *) * (size_t)(g_nbuckets + 1));
    g_buckets[g_nbuckets++] = strdup(b);
  }
  pthread_mutex_unlock(&g_lock);
}

static void fake_etag(char *out, size_t cap, const char *suffix) {
  pthread_mutex_lock(&g_lock);
  uint64_t n = ++g_counter;
  pthread_mutex_unlock(&g_lock);
  uint64_t x = n * 0x9E3779B97F4A7C15ull ^ (uint64_t)time(NULL);
  snprintf(out, cap, "\"%016llx%016llx%s\"", (unsigned long long)x, (unsigned long long)n,
           suffix ? suffix : "");
}

/* ------------------------------------------------------------------ connection I/O */

typedef struct conn {
  int fd;
  char hdr[HDR_MAX + 1];
  size_t len, off; /* buffered bytes hdr[off..len) not yet consumed */
  char *io;        /* IO_BUF bytes */
} conn;

static int send_all(int fd, const void *p, size_t n, int more) {
  const char *c = p;
  while (n) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

static ssize_t conn_read(conn *c, void *buf, size_t cap) {
  if (c->off < c->len) {
    size_t n = c->len - c->off;
    if (n > cap) n = cap;
    memcpy(buf, c->hdr + c->off, n);
    c->off += n;
    return (ssize_t)n;
  }
  for (;;) {
    ssize_t r = recv(c->fd, buf, cap, 0);
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

static int conn_getc(conn *c) {
  if (c->off >= c->len) {
    c->off = c->len = 0;
    ssize_t r;
    do r = recv(c->fd, c->hdr, HDR_MAX, 0);
    while (r < 0 && errno == EINTR);
    if (r <= 0) return -1;
    c->len = (size_t)r;
  }
  return (unsigned char)c->hdr[c->off++];
}

/* ------------------------------------------------------------------ request */

typedef struct request {
  char *raw; /* a copy of the head: the connection buffer is reused for the body */
  char method[16];
  char *target;                 /* raw */
  char path[8192];              /* decoded */
  char *qk[MAX_QUERY], *qv[MAX_QUERY];
  int nq;
  int64_t content_length;       /* -1 if absent */
  int te_chunked, aws_chunked, expect_continue, keep_alive;
  int force_md5;
  char range[128], if_match[128], host[256], content_md5[40];
  int has_copy_source;
  sb meta;
} request;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void pct_decode(char *s, int plus_is_space) {
  char *o = s;
  for (; *s; s++) {
    if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
      *o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
      s += 2;
    } else if (*s == '+' && plus_is_space) {
      *o++ = ' ';
    } else {
      *o++ = *s;
    }
  }
  *o = 0;
}

static const char *qget(const request *r, const char *k) {
  for (int i = 0; i < r->nq; i++)
    if (strcmp(r->qk[i], k) == 0) return r->qv[i];
  return NULL;
}

/* Reads and parses one request head. 1 = ok, 0 = clean EOF, -1 = error. */
static int read_head(conn *c, request *r) {
  /* move leftover bytes to the front */
  if (c->off > 0) {
    memmove(c->hdr, c->hdr + c->off, c->len - c->off);
    c->len -= c->off;
    c->off = 0;
  }
  char *end;
  for (;;) {
    c->hdr[c->len] = 0;
    end = strstr(c->hdr, "\r\n\r\n");
    if (end) break;
    if (c->len >= HDR_MAX) return -1;
    ssize_t n = recv(c->fd, c->hdr + c->len, HDR_MAX - c->len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return c->len == 0 ? 0 : -1;
    c->len += (size_t)n;
  }
  *end = 0;
  c->off = (size_t)(end + 4 - c->hdr);

  memset(r, 0, sizeof *r);
  r->content_length = -1;
  r->keep_alive = 1;
  r->raw = strdup(c->hdr);
  char *save = NULL;
  char *line = strtok_r(r->raw, "\r\n", &save);
  if (!line) return -1;
  char *sp1 = strchr(line, ' ');
  if (!sp1) return -1;
  *sp1 = 0;
  snprintf(r->method, sizeof r->method, "%s", line);
  char *target = sp1 + 1;
  char *sp2 = strchr(target, ' ');
  if (!sp2) return -1;
  *sp2 = 0;
  if (strcmp(sp2 + 1, "HTTP/1.0") == 0) r->keep_alive = 0;
  r->target = target;
  char *q = strchr(target, '?');
  if (q) *q++ = 0;
  snprintf(r->path, sizeof r->path, "%s", target);
  pct_decode(r->path, 0);
  while (q && *q && r->nq < MAX_QUERY) {
    char *amp = strchr(q, '&');
    if (amp) *amp = 0;
    char *eq = strchr(q, '=');
    if (eq) *eq = 0;
    r->qk[r->nq] = q;
    r->qv[r->nq] = eq ? eq + 1 : q + strlen(q);
    pct_decode(r->qk[r->nq], 1);
    pct_decode(r->qv[r->nq], 1);
    r->nq++;
    q = amp ? amp + 1 : NULL;
  }
  while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    size_t vl = strlen(v);
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) v[--vl] = 0;
    if (strcasecmp(line, "content-length") == 0) {
      r->content_length = strtoll(v, NULL, 10);
    } else if (strcasecmp(line, "transfer-encoding") == 0) {
      r->te_chunked = strcasestr(v, "chunked") != NULL;
    } else if (strcasecmp(line, "content-encoding") == 0) {
      if (strcasestr(v, "aws-chunked")) r->aws_chunked = 1;
    } else if (strcasecmp(line, "x-amz-content-sha256") == 0) {
      if (strncmp(v, "STREAMING-", 10) == 0) r->aws_chunked = 1;
    } else if (strcasecmp(line, "expect") == 0) {
      r->expect_continue = strcasecmp(v, "100-continue") == 0;
    } else if (strcasecmp(line, "connection") == 0) {
      if (strcasecmp(v, "close") == 0) r->keep_alive = 0;
      if (strcasecmp(v, "keep-alive") == 0) r->keep_alive = 1;
    } else if (strcasecmp(line, "range") == 0) {
      snprintf(r->range, sizeof r->range, "%s", v);
    } else if (strcasecmp(line, "if-match") == 0) {
      snprintf(r->if_match, sizeof r->if_match, "%s", v);
    } else if (strcasecmp(line, "host") == 0) {
      snprintf(r->host, sizeof r->host, "%s", v);
    } else if (strcasecmp(line, "x-amz-copy-source") == 0) {
      r->has_copy_source = 1;
    } else if (strcasecmp(line, "content-md5") == 0) {
      snprintf(r->content_md5, sizeof r->content_md5, "%s", v);
    } else if (strcasecmp(line, "x-s3fast-md5") == 0) {
      r->force_md5 = strcasecmp(v, "on") == 0;
    } else if ((strcasecmp(line, "content-type") == 0 ||
                strncasecmp(line, "x-amz-meta-", 11) == 0 ||
                strcasecmp(line, "cache-control") == 0 ||
                strcasecmp(line, "content-disposition") == 0) &&
               r->meta.len + strlen(line) + vl + 4 < META_MAX) {
      sb_printf(&r->meta, "%s: %s\r\n", line, v);
    }
  }
  return 1;
}

/* ------------------------------------------------------------------ request bodies */

typedef struct body {
  conn *c;
  request *r;
  uint64_t cl_left;  /* Content-Length bytes not yet read (when not TE chunked) */
  uint64_t te_left;  /* bytes left in the current TE chunk */
  int te_done;
  uint64_t aws_left; /* bytes left in the current aws-chunked chunk */
  int aws_done;
  int error;
} body;

static int te_line(conn *c, char *out, size_t cap) { /* one CRLF line of chunk framing */
  size_t n = 0;
  for (;;) {
    int ch = conn_getc(c);
    if (ch < 0) return -1;
    if (ch == '\n') break;
    if (ch != '\r' && n + 1 < cap) out[n++] = (char)ch;
  }
  out[n] = 0;
  return (int)n;
}

/* Bytes of the body after transfer decoding (Content-Length or chunked). */
static ssize_t body_raw(body *b, char *buf, size_t cap) {
  if (!b->r->te_chunked) {
    if (b->cl_left == 0) return 0;
    if (cap > b->cl_left) cap = (size_t)b->cl_left;
    ssize_t n = conn_read(b->c, buf, cap);
    if (n <= 0) return -1;
    b->cl_left -= (uint64_t)n;
    return n;
  }
  if (b->te_done) return 0;
  char line[512];
  if (b->te_left == 0) {
    if (te_line(b->c, line, sizeof line) < 0) return -1;
    b->te_left = strtoull(line, NULL, 16);
    if (b->te_left == 0) {
      while (te_line(b->c, line, sizeof line) > 0) { /* trailers */
      }
      b->te_done = 1;
      return 0;
    }
  }
  if (cap > b->te_left) cap = (size_t)b->te_left;
  ssize_t n = conn_read(b->c, buf, cap);
  if (n <= 0) return -1;
  b->te_left -= (uint64_t)n;
  if (b->te_left == 0 && te_line(b->c, line, sizeof line) < 0) return -1;
  return n;
}

static int raw_getc(body *b) {
  char ch;
  ssize_t n = body_raw(b, &ch, 1);
  return n == 1 ? (unsigned char)ch : -1;
}

static int aws_line(body *b, char *out, size_t cap) {
  size_t n = 0;
  for (;;) {
    int ch = raw_getc(b);
    if (ch < 0) return n ? (int)n : -1;
    if (ch == '\n') break;
    if (ch != '\r' && n + 1 < cap) out[n++] = (char)ch;
  }
  out[n] = 0;
  return (int)n;
}

/* Payload bytes: aws-chunked framing (signed or not, with trailers) removed when present. */
static ssize_t body_read(body *b, char *buf, size_t cap) {
  if (!b->r->aws_chunked) return body_raw(b, buf, cap);
  if (b->aws_done) return 0;
  char line[1024];
  if (b->aws_left == 0) {
    if (aws_line(b, line, sizeof line) < 0) return -1;
    b->aws_left = strtoull(line, NULL, 16);
    if (b->aws_left == 0) {
      while (aws_line(b, line, sizeof line) > 0) { /* trailing checksums */
      }
      /* drain whatever framing is left */
      char tmp[256];
      while (body_raw(b, tmp, sizeof tmp) > 0) {
      }
      b->aws_done = 1;
      return 0;
    }
  }
  if (cap > b->aws_left) cap = (size_t)b->aws_left;
  ssize_t n = body_raw(b, buf, cap);
  if (n <= 0) return -1;
  b->aws_left -= (uint64_t)n;
  if (b->aws_left == 0 && aws_line(b, line, sizeof line) < 0) return -1;
  return n;
}

static void body_init(body *b, conn *c, request *r) {
  memset(b, 0, sizeof *b);
  b->c = c;
  b->r = r;
  b->cl_left = r->content_length > 0 ? (uint64_t)r->content_length : 0;
}

static int has_body(const request *r) { return r->te_chunked || r->content_length > 0; }

static void send_continue(conn *c, request *r) {
  if (r->expect_continue && has_body(r)) {
    send_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, 0);
    r->expect_continue = 0;
  }
}

/* Reads the whole body into memory (XML requests), at most max bytes. */
static char *body_slurp(conn *c, request *r, size_t max, size_t *outlen) {
  send_continue(c, r);
  body b;
  body_init(&b, c, r);
  sb s = {0};
  sb_reserve(&s, 0);
  char tmp[16384];
  ssize_t n;
  while ((n = body_read(&b, tmp, sizeof tmp)) > 0) {
    if (s.len + (size_t)n > max) {
      free(s.p);
      return NULL;
    }
    sb_add(&s, tmp, (size_t)n);
  }
  if (n < 0) {
    free(s.p);
    return NULL;
  }
  *outlen = s.len;
  return s.p;
}

static int body_discard(conn *c, request *r) {
  if (!has_body(r)) return 0;
  send_continue(c, r);
  body b;
  body_init(&b, c, r);
  ssize_t n;
  while ((n = body_read(&b, c->io, IO_BUF)) > 0) {
  }
  return n < 0 ? -1 : 0;
}

/* Streams the body into a new unlinked file on DATADIR; MD5 while the size allows. */
static int body_to_file(conn *c, request *r, int want_md5, seg *out, char *md5hex) {
  int fd = open(g_datadir, O_TMPFILE | O_RDWR, 0600);
  if (fd < 0) {
    perror("s3fast: open O_TMPFILE");
    return -1;
  }
  send_continue(c, r);
  body b;
  body_init(&b, c, r);
  EVP_MD_CTX *md = NULL;
  if (want_md5) {
    md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
  }
  uint64_t total = 0;
  ssize_t n;
  while ((n = body_read(&b, c->io, IO_BUF)) > 0) {
    const char *p = c->io;
    size_t left = (size_t)n;
    while (left) {
      ssize_t w = write(fd, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        n = -1;
        break;
      }
      p += w;
      left -= (size_t)w;
    }
    if (n < 0) break;
    total += (uint64_t)n;
    if (md) EVP_DigestUpdate(md, c->io, (size_t)n);
  }
  if (n < 0) {
    if (md) EVP_MD_CTX_free(md);
    close(fd);
    return -1;
  }
  if (md) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    EVP_MD_CTX_free(md);
    for (unsigned i = 0; i < dl; i++) sprintf(md5hex + 2 * i, "%02x", d[i]);
  } else {
    md5hex[0] = 0;
  }
  out->fd = fd;
  out->size = total;
  return 0;
}

/* ------------------------------------------------------------------ responses */

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 416: return "Requested Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Unknown";
  }
}

static void head_start(sb *h, int status, const request *r) {
  char date[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  unsigned long long id;
  pthread_mutex_lock(&g_lock);
  id = ++g_counter;
  pthread_mutex_unlock(&g_lock);
  sb_printf(h, "HTTP/1.1 %d %s\r\nServer: s3fast\r\nDate: %s\r\nx-amz-request-id: %016llX\r\n",
            status, reason(status), date, id);
  if (!r->keep_alive) sb_puts(h, "Connection: close\r\n");
}

/* A complete response with an in-memory body (XML or empty). */
static int respond(conn *c, const request *r, int status, const char *extra, const char *ctype,
                   const char *bodytext, size_t bodylen) {
  sb h = {0};
  head_start(&h, status, r);
  if (extra) sb_puts(&h, extra);
  if (ctype && bodylen) sb_printf(&h, "Content-Type: %s\r\n", ctype);
  sb_printf(&h, "Content-Length: %zu\r\n\r\n", bodylen);
  int head_only = strcmp(r->method, "HEAD") == 0;
  if (bodylen && !head_only) sb_add(&h, bodytext, bodylen);
  int rc = send_all(c->fd, h.p, h.len, 0);
  free(h.p);
  if (g_verbose) fprintf(stderr, "s3fast: %s %s -> %d\n", r->method, r->target, status);
  return rc;
}

static int respond_xml(conn *c, const request *r, int status, const sb *x) {
  return respond(c, r, status, NULL, "application/xml", x->p, x->len);
}

static int s3_error(conn *c, request *r, int status, const char *code, const char *msg) {
  sb x = {0};
  sb_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>", code);
  sb_xml(&x, msg);
  sb_puts(&x, "</Message><Resource>");
  sb_xml(&x, r->path);
  sb_puts(&x, "</Resource></Error>");
  if (status >= 400 && status != 404 && status != 412 && status != 416) {
    fprintf(stderr, "s3fast: %s %s -> %d %s (%s)\n", r->method, r->target, status, code, msg);
  }
  int rc = respond_xml(c, r, status, &x);
  free(x.p);
  return rc;
}

static void iso_time(time_t t, char *out, size_t cap) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* ------------------------------------------------------------------ handlers */

/* Content-MD5 (base64) as the hex ETag S3 would return; 0 if it is not a valid MD5. */
static int content_md5_hex(const char *b64, char *hex) {
  unsigned char out[24];
  size_t n = 0;
  unsigned acc = 0;
  int bits = 0;
  for (const char *p = b64; *p && *p != '='; p++) {
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *f = strchr(alpha, *p);
    if (!f || !*p) return 0;
    acc = (acc << 6) | (unsigned)(f - alpha);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n == sizeof out) return 0;
      out[n++] = (unsigned char)(acc >> bits);
    }
  }
  if (n != 16) return 0;
  for (size_t i = 0; i < 16; i++) sprintf(hex + 2 * i, "%02x", out[i]);
  return 1;
}

static int h_put_object(conn *c, request *r, const char *bucket, const char *fullkey) {
  (void)bucket;
  int want_md5 = r->force_md5 || (!r->te_chunked && !r->aws_chunked && r->content_length >= 0 &&
                                  (uint64_t)r->content_length <= g_md5_max);
  seg s;
  char md5hex[2 * EVP_MAX_MD_SIZE + 1];
  if (body_to_file(c, r, want_md5, &s, md5hex) < 0) return -1;
  object *o = calloc(1, sizeof *o);
  o->refs = 1;
  o->size = s.size;
  o->mtime = time(NULL);
  o->nseg = 1;
  o->segs = malloc(sizeof(seg));
  o->segs[0] = s;
  o->meta = r->meta.p ? strdup(r->meta.p) : NULL;
  char given[33];
  if (md5hex[0]) {
    snprintf(o->etag, sizeof o->etag, "\"%.32s\"", md5hex);
  } else if (r->content_md5[0] && content_md5_hex(r->content_md5, given)) {
    snprintf(o->etag, sizeof o->etag, "\"%.32s\"", given); /* trusted, not checked */
  } else {
    fake_etag(o->etag, sizeof o->etag, NULL);
  }
  char extra[160];
  snprintf(extra, sizeof extra, "ETag: %s\r\n", o->etag);
  obj_put(fullkey, o);
  return respond(c, r, 200, extra, NULL, NULL, 0);
}

static upload *upload_find_locked(const char *id) {
  for (upload *u = g_uploads; u; u = u->next)
    if (strcmp(u->id, id) == 0) return u;
  return NULL;
}

static int h_create_mpu(conn *c, request *r, const char *bucket, const char *key,
                        const char *fullkey) {
  if (body_discard(c, r) < 0) return -1;
  upload *u = calloc(1, sizeof *u);
  for (int i = 0; i <= MAX_PARTS; i++) u->parts[i].fd = -1;
  pthread_mutex_lock(&g_lock);
  uint64_t n = ++g_counter;
  pthread_mutex_unlock(&g_lock);
  snprintf(u->id, sizeof u->id, "u%llx%08x", (unsigned long long)n, (unsigned)rand());
  u->key = strdup(fullkey);
  u->meta = r->meta.p ? strdup(r->meta.p) : NULL;
  pthread_mutex_lock(&g_lock);
  u->next = g_uploads;
  g_uploads = u;
  pthread_mutex_unlock(&g_lock);
  sb x = {0};
  sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>");
  sb_xml(&x, bucket);
  sb_puts(&x, "</Bucket><Key>");
  sb_xml(&x, key);
  sb_printf(&x, "</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>", u->id);
  int rc = respond_xml(c, r, 200, &x);
  free(x.p);
  return rc;
}

static int h_upload_part(conn *c, request *r, const char *fullkey, const char *id,
                         const char *pn) {
  long part = strtol(pn, NULL, 10);
  pthread_mutex_lock(&g_lock);
  upload *u = upload_find_locked(id);
  int ok = u && strcmp(u->key, fullkey) == 0;
  pthread_mutex_unlock(&g_lock);
  if (part < 1 || part > MAX_PARTS) {
    body_discard(c, r);
    return s3_error(c, r, 400, "InvalidArgument", "partNumber must be 1..10000");
  }
  if (!ok) {
    r->keep_alive = 0; /* the body is not read */
    return s3_error(c, r, 404, "NoSuchUpload", "no such upload");
  }
  seg s;
  char md5hex[2 * EVP_MAX_MD_SIZE + 1];
  if (body_to_file(c, r, 0, &s, md5hex) < 0) return -1;
  pthread_mutex_lock(&g_lock);
  u = upload_find_locked(id); /* may have been aborted meanwhile */
  if (u) {
    if (u->parts[part].fd >= 0) close(u->parts[part].fd);
    u->parts[part] = s;
    if (part > u->nparts) u->nparts = (int)part;
  }
  pthread_mutex_unlock(&g_lock);
  if (!u) {
    close(s.fd);
    return s3_error(c, r, 404, "NoSuchUpload", "the upload was aborted");
  }
  char extra[160], etag[80];
  fake_etag(etag, sizeof etag, NULL);
  snprintf(extra, sizeof extra, "ETag: %s\r\n", etag);
  return respond(c, r, 200, extra, NULL, NULL, 0);
}

static void upload_free_locked(upload *u, const object *keep) {
  for (int i = 1; i <= u->nparts; i++) {
    int fd = u->parts[i].fd;
    if (fd < 0) continue;
    int used = 0;
    for (int j = 0; keep && j < keep->nseg; j++) used |= keep->segs[j].fd == fd;
    if (!used) close(fd);
  }
  free(u->key);
  free(u->meta);
  free(u);
}

static int upload_unlink_locked(upload *u) {
  for (upload **pu = &g_uploads; *pu; pu = &(*pu)->next) {
    if (*pu == u) {
      *pu = u->next;
      return 1;
    }
  }
  return 0;
}

static int h_complete_mpu(conn *c, request *r, const char *bucket, const char *key,
                          const char *fullkey, const char *id) {
  size_t len = 0;
  char *xml = body_slurp(c, r, 16u << 20, &len);
  if (!xml) return -1;
  /* the part numbers, in the order listed */
  int *nums = malloc(sizeof(int) * (MAX_PARTS + 1));
  int n = 0;
  for (char *p = xml; (p = strstr(p, "<PartNumber>")) != NULL && n < MAX_PARTS; p += 12)
    nums[n++] = atoi(p + 12);
  free(xml);
  pthread_mutex_lock(&g_lock);
  upload *u = upload_find_locked(id);
  const char *err = NULL;
  if (!u || strcmp(u->key, fullkey) != 0) err = "NoSuchUpload";
  if (!err && n == 0) err = "MalformedXML";
  for (int i = 0; !err && i < n; i++) {
    if (nums[i] < 1 || nums[i] > u->nparts || u->parts[nums[i]].fd < 0) err = "InvalidPart";
    if (i > 0 && nums[i] <= nums[i - 1]) err = "InvalidPartOrder";
  }
  object *o = NULL;
  if (!err) {
    upload_unlink_locked(u);
    o = calloc(1, sizeof *o);
    o->refs = 1;
    o->mtime = time(NULL);
    o->nseg = n;
    o->segs = malloc(sizeof(seg) * (size_t)n);
    for (int i = 0; i < n; i++) {
      o->segs[i] = u->parts[nums[i]];
      o->size += o->segs[i].size;
    }
    o->meta = u->meta;
    u->meta = NULL;
    upload_free_locked(u, o);
  }
  pthread_mutex_unlock(&g_lock);
  free(nums);
  if (err) {
    int status = strcmp(err, "NoSuchUpload") == 0 ? 404 : 400;
    return s3_error(c, r, status, err, "CompleteMultipartUpload refused");
  }
  char suffix[16];
  snprintf(suffix, sizeof suffix, "-%d", o->nseg);
  fake_etag(o->etag, sizeof o->etag, suffix);
  sb x = {0};
  sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>http://");
  sb_xml(&x, r->host);
  sb_puts(&x, "/");
  sb_xml(&x, fullkey);
  sb_puts(&x, "</Location><Bucket>");
  sb_xml(&x, bucket);
  sb_puts(&x, "</Bucket><Key>");
  sb_xml(&x, key);
  sb_puts(&x, "</Key><ETag>");
  sb_xml(&x, o->etag);
  sb_puts(&x, "</ETag></CompleteMultipartUploadResult>");
  obj_put(fullkey, o);
  int rc = respond_xml(c, r, 200, &x);
  free(x.p);
  return rc;
}

static int h_abort_mpu(conn *c, request *r, const char *id) {
  pthread_mutex_lock(&g_lock);
  upload *u = upload_find_locked(id);
  if (u) {
    upload_unlink_locked(u);
    upload_free_locked(u, NULL);
  }
  pthread_mutex_unlock(&g_lock);
  if (!u) return s3_error(c, r, 404, "NoSuchUpload", "no such upload");
  return respond(c, r, 204, NULL, NULL, NULL, 0);
}

/* Sends [start, start+len) of an object, segment by segment, with sendfile. */
static int send_range(conn *c, const object *o, uint64_t start, uint64_t len) {
  uint64_t base = 0;
  for (int i = 0; i < o->nseg && len; i++) {
    uint64_t sz = o->segs[i].size;
    if (start >= base + sz) {
      base += sz;
      continue;
    }
    off_t off = (off_t)(start - base);
    uint64_t n = sz - (uint64_t)off;
    if (n > len) n = len;
    uint64_t left = n;
    while (left) {
      ssize_t w = sendfile(c->fd, o->segs[i].fd, &off, left > (1u << 30) ? (1u << 30) : left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return -1;
      left -= (uint64_t)w;
    }
    start += n;
    len -= n;
    base += sz;
  }
  return len ? -1 : 0;
}

static int h_get_object(conn *c, request *r, const char *fullkey) {
  int head_only = strcmp(r->method, "HEAD") == 0;
  if (body_discard(c, r) < 0) return -1;
  object *o = obj_get(fullkey);
  if (!o) {
    if (head_only) return respond(c, r, 404, NULL, NULL, NULL, 0);
    return s3_error(c, r, 404, "NoSuchKey", "The specified key does not exist.");
  }
  int rc;
  if (r->if_match[0] && strcmp(r->if_match, "*") != 0) {
    const char *a = r->if_match, *b = o->etag;
    if (*a == '"') a++;
    if (*b == '"') b++;
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '"') la--;
    if (lb && b[lb - 1] == '"') lb--;
    if (la != lb || strncmp(a, b, la) != 0) {
      rc = s3_error(c, r, 412, "PreconditionFailed", "At least one of the pre-conditions you "
                                                     "specified did not hold");
      obj_release(o);
      return rc;
    }
  }
  uint64_t start = 0, len = o->size;
  int partial = 0;
  const char *pn = qget(r, "partNumber");
  sb extra = {0};
  if (pn) {
    long part = strtol(pn, NULL, 10);
    if (part < 1 || part > o->nseg) {
      rc = s3_error(c, r, 416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
      obj_release(o);
      return rc;
    }
    for (long i = 0; i < part - 1; i++) start += o->segs[i].size;
    len = o->segs[part - 1].size;
    partial = 1;
    sb_printf(&extra, "x-amz-mp-parts-count: %d\r\n", o->nseg);
  } else if (r->range[0] && strncmp(r->range, "bytes=", 6) == 0) {
    const char *spec = r->range + 6;
    char *dash = strchr(spec, '-');
    int bad = dash == NULL;
    if (!bad && dash == spec) { /* suffix: last N bytes */
      uint64_t n = strtoull(dash + 1, NULL, 10);
      if (n == 0) bad = 1;
      if (n > o->size) n = o->size;
      start = o->size - n;
      len = n;
    } else if (!bad) {
      start = strtoull(spec, NULL, 10);
      uint64_t end = dash[1] ? strtoull(dash + 1, NULL, 10) : (o->size ? o->size - 1 : 0);
      if (end >= o->size) end = o->size ? o->size - 1 : 0;
      if (start >= o->size || end < start) {
        bad = 1;
      } else {
        len = end - start + 1;
      }
    }
    if (bad) {
      char cr[96];
      snprintf(cr, sizeof cr, "Content-Range: bytes */%llu\r\n", (unsigned long long)o->size);
      sb x = {0};
      sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidRange</Code>"
                  "<Message>The requested range is not satisfiable</Message></Error>");
      rc = respond(c, r, 416, cr, "application/xml", x.p, x.len);
      free(x.p);
      obj_release(o);
      return rc;
    }
    partial = 1;
  }
  char lm[64];
  struct tm tm;
  gmtime_r(&o->mtime, &tm);
  strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  sb h = {0};
  head_start(&h, partial ? 206 : 200, r);
  sb_printf(&h, "ETag: %s\r\nLast-Modified: %s\r\nAccept-Ranges: bytes\r\n", o->etag, lm);
  if (o->meta) sb_puts(&h, o->meta);
  if (!o->meta || !strcasestr(o->meta, "content-type:"))
    sb_puts(&h, "Content-Type: binary/octet-stream\r\n");
  if (partial)
    sb_printf(&h, "Content-Range: bytes %llu-%llu/%llu\r\n", (unsigned long long)start,
              (unsigned long long)(start + len - 1), (unsigned long long)o->size);
  if (extra.p) sb_puts(&h, extra.p);
  sb_printf(&h, "Content-Length: %llu\r\n\r\n", (unsigned long long)len);
  free(extra.p);
  rc = send_all(c->fd, h.p, h.len, !head_only && len > 0);
  free(h.p);
  if (rc == 0 && !head_only && len > 0) rc = send_range(c, o, start, len);
  if (g_verbose) fprintf(stderr, "s3fast: %s %s -> %d\n", r->method, r->target, partial ? 206 : 200);
  obj_release(o);
  return rc;
}

typedef struct lentry {
  char *key; /* without the bucket */
  uint64_t size;
  time_t mtime;
  char etag[80];
} lentry;

static int cmp_lentry(const void *a, const void *b) {
  return strcmp(((const lentry *)a)->key, ((const lentry *)b)->key);
}

static int h_list(conn *c, request *r, const char *bucket) {
  if (body_discard(c, r) < 0) return -1;
  const char *lt = qget(r, "list-type");
  int v2 = lt && strcmp(lt, "2") == 0;
  const char *prefix = qget(r, "prefix") ? qget(r, "prefix") : "";
  const char *delim = qget(r, "delimiter") ? qget(r, "delimiter") : "";
  const char *enc = qget(r, "encoding-type");
  int urlenc = enc && strcmp(enc, "url") == 0;
  long maxkeys = qget(r, "max-keys") ? strtol(qget(r, "max-keys"), NULL, 10) : 1000;
  if (maxkeys > 1000 || maxkeys < 0) maxkeys = 1000;
  const char *after = NULL;
  if (v2) {
    after = qget(r, "continuation-token");
    if (!after || !*after) after = qget(r, "start-after");
  } else {
    after = qget(r, "marker");
  }
  if (after && !*after) after = NULL;
  size_t blen = strlen(bucket), plen = strlen(prefix), dlen = strlen(delim);

  lentry *all = NULL;
  size_t n = 0, cap = 0;
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < NBUCKETS; i++) {
    for (node *nd = g_table[i]; nd; nd = nd->next) {
      if (strncmp(nd->key, bucket, blen) != 0 || nd->key[blen] != '/') continue;
      const char *k = nd->key + blen + 1;
      if (strncmp(k, prefix, plen) != 0) continue;
      if (after && strcmp(k, after) <= 0) continue;
      if (n == cap) {
        cap = cap ? cap * 2 : 256;
        all = realloc(all, cap * sizeof *all);
      }
      all[n].key = strdup(k);
      all[n].size = nd->obj->size;
      all[n].mtime = nd->obj->mtime;
      memcpy(all[n].etag, nd->obj->etag, sizeof all[n].etag);
      n++;
    }
  }
  pthread_mutex_unlock(&g_lock);
  qsort(all, n, sizeof *all, cmp_lentry);

  sb contents = {0}, prefixes = {0};
  long count = 0;
  int truncated = 0;
  const char *last = NULL;
  char *lastcp = NULL;
  size_t afterlen = after ? strlen(after) : 0;
  int after_is_cp = after && dlen && afterlen >= dlen && strcmp(after + afterlen - dlen, delim) == 0;
  for (size_t i = 0; i < n; i++) {
    const char *k = all[i].key;
    if (after_is_cp && strncmp(k, after, afterlen) == 0) continue; /* inside the previous page's prefix */
    const char *rest = k + plen;
    const char *d = dlen ? strstr(rest, delim) : NULL;
    if (d) {
      size_t cplen = (size_t)(d - k) + dlen;
      if (lastcp && strlen(lastcp) == cplen && strncmp(lastcp, k, cplen) == 0) continue;
      if (count == maxkeys) {
        truncated = 1;
        break;
      }
      free(lastcp);
      lastcp = strndup(k, cplen);
      sb_puts(&prefixes, "<CommonPrefixes><Prefix>");
      sb_keyval(&prefixes, lastcp, urlenc);
      sb_puts(&prefixes, "</Prefix></CommonPrefixes>");
      last = lastcp;
      count++;
      continue;
    }
    if (count == maxkeys) {
      truncated = 1;
      break;
    }
    char when[40];
    iso_time(all[i].mtime, when, sizeof when);
    sb_puts(&contents, "<Contents><Key>");
    sb_keyval(&contents, k, urlenc);
    sb_printf(&contents, "</Key><LastModified>%s</LastModified><ETag>", when);
    sb_xml(&contents, all[i].etag);
    sb_printf(&contents,
              "</ETag><Size>%llu</Size><Owner><ID>s3fast</ID><DisplayName>s3fast</DisplayName>"
              "</Owner><StorageClass>STANDARD</StorageClass></Contents>",
              (unsigned long long)all[i].size);
    last = k;
    count++;
  }

  sb x = {0};
  sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>");
  sb_xml(&x, bucket);
  sb_puts(&x, "</Name><Prefix>");
  sb_keyval(&x, prefix, urlenc);
  sb_puts(&x, "</Prefix>");
  if (dlen) {
    sb_puts(&x, "<Delimiter>");
    sb_keyval(&x, delim, urlenc);
    sb_puts(&x, "</Delimiter>");
  }
  sb_printf(&x, "<MaxKeys>%ld</MaxKeys>", maxkeys);
  if (urlenc) sb_puts(&x, "<EncodingType>url</EncodingType>");
  sb_printf(&x, "<IsTruncated>%s</IsTruncated>", truncated ? "true" : "false");
  if (v2) {
    sb_printf(&x, "<KeyCount>%ld</KeyCount>", count);
    if (qget(r, "continuation-token")) {
      sb_puts(&x, "<ContinuationToken>");
      sb_xml(&x, qget(r, "continuation-token"));
      sb_puts(&x, "</ContinuationToken>");
    }
    if (qget(r, "start-after")) {
      sb_puts(&x, "<StartAfter>");
      sb_keyval(&x, qget(r, "start-after"), urlenc);
      sb_puts(&x, "</StartAfter>");
    }
    if (truncated && last) {
      sb_puts(&x, "<NextContinuationToken>");
      sb_xml(&x, last); /* the token is opaque: the last key or prefix, never URL-encoded */
      sb_puts(&x, "</NextContinuationToken>");
    }
  } else {
    sb_puts(&x, "<Marker>");
    sb_keyval(&x, qget(r, "marker") ? qget(r, "marker") : "", urlenc);
    sb_puts(&x, "</Marker>");
    if (truncated && last) {
      sb_puts(&x, "<NextMarker>");
      sb_keyval(&x, last, urlenc);
      sb_puts(&x, "</NextMarker>");
    }
  }
  if (contents.p) sb_add(&x, contents.p, contents.len);
  if (prefixes.p) sb_add(&x, prefixes.p, prefixes.len);
  sb_puts(&x, "</ListBucketResult>");
  int rc = respond_xml(c, r, 200, &x);
  free(x.p);
  free(contents.p);
  free(prefixes.p);
  free(lastcp);
  for (size_t i = 0; i < n; i++) free(all[i].key);
  free(all);
  return rc;
}

static int h_delete_objects(conn *c, request *r, const char *bucket) {
  size_t len = 0;
  char *xml = body_slurp(c, r, 16u << 20, &len);
  if (!xml) return -1;
  sb x = {0};
  sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  int quiet = strstr(xml, "<Quiet>true</Quiet>") != NULL;
  for (char *p = xml; (p = strstr(p, "<Key>")) != NULL;) {
    p += 5;
    char *e = strstr(p, "</Key>");
    if (!e) break;
    *e = 0;
    /* undo the XML escapes a key may carry */
    sb k = {0};
    for (char *q = p; *q; q++) {
      if (*q == '&') {
        const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
        const char chars[] = "&<>\"'";
        int done = 0;
        for (int i = 0; i < 5 && !done; i++) {
          size_t el = strlen(ents[i]);
          if (strncmp(q, ents[i], el) == 0) {
            sb_add(&k, &chars[i], 1);
            q += el - 1;
            done = 1;
          }
        }
        if (!done) sb_add(&k, q, 1);
      } else {
        sb_add(&k, q, 1);
      }
    }
    sb full = {0};
    sb_printf(&full, "%s/%s", bucket, k.p ? k.p : "");
    obj_delete(full.p);
    if (!quiet) {
      sb_puts(&x, "<Deleted><Key>");
      sb_xml(&x, k.p ? k.p : "");
      sb_puts(&x, "</Key></Deleted>");
    }
    free(full.p);
    free(k.p);
    p = e + 6;
  }
  free(xml);
  sb_puts(&x, "</DeleteResult>");
  int rc = respond_xml(c, r, 200, &x);
  free(x.p);
  return rc;
}

static int h_list_buckets(conn *c, request *r) {
  if (body_discard(c, r) < 0) return -1;
  sb x = {0};
  sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>s3fast</ID>"
              "<DisplayName>s3fast</DisplayName></Owner><Buckets>");
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < g_nbuckets; i++) {
    sb_puts(&x, "<Bucket><Name>");
    sb_xml(&x, g_buckets[i]);
    sb_puts(&x, "</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>");
  }
  pthread_mutex_unlock(&g_lock);
  sb_puts(&x, "</Buckets></ListAllMyBucketsResult>");
  int rc = respond_xml(c, r, 200, &x);
  free(x.p);
  return rc;
}

static int not_implemented(conn *c, request *r) {
  r->keep_alive = 0; /* the body, if any, is not read */
  return s3_error(c, r, 501, "NotImplemented", "s3fast does not implement this request");
}

static int handle(conn *c, request *r) {
  const char *m = r->method;
  if (r->path[0] != '/') return s3_error(c, r, 400, "InvalidURI", "bad request target");
  if (r->path[1] == 0) {
    if (strcmp(m, "GET") == 0) return h_list_buckets(c, r);
    return not_implemented(c, r);
  }
  char bucket[256];
  const char *p = r->path + 1;
  const char *slash = strchr(p, '/');
  size_t bl = slash ? (size_t)(slash - p) : strlen(p);
  if (bl == 0 || bl >= sizeof bucket) return s3_error(c, r, 400, "InvalidBucketName", "bad bucket");
  memcpy(bucket, p, bl);
  bucket[bl] = 0;
  const char *key = slash ? slash + 1 : "";

  if (!*key) { /* bucket operations */
    if (strcmp(m, "PUT") == 0) {
      if (body_discard(c, r) < 0) return -1;
      bucket_add(bucket);
      return respond(c, r, 200, "Location: /\r\n", NULL, NULL, 0);
    }
    if (strcmp(m, "HEAD") == 0)
      return respond(c, r, 200, "x-amz-bucket-region: us-east-1\r\n", NULL, NULL, 0);
    if (strcmp(m, "DELETE") == 0) return respond(c, r, 204, NULL, NULL, NULL, 0);
    if (strcmp(m, "POST") == 0 && qget(r, "delete")) return h_delete_objects(c, r, bucket);
    if (strcmp(m, "GET") == 0) {
      if (qget(r, "location")) {
        if (body_discard(c, r) < 0) return -1;
        sb x = {0};
        sb_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
                    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>");
        int rc = respond_xml(c, r, 200, &x);
        free(x.p);
        return rc;
      }
      static const char *unsupported[] = {"uploads", "versions", "acl", "policy", "versioning",
                                          "lifecycle", "cors", "tagging", "website", NULL};
      for (int i = 0; unsupported[i]; i++)
        if (qget(r, unsupported[i])) return not_implemented(c, r);
      return h_list(c, r, bucket);
    }
    return not_implemented(c, r);
  }

  char fullkey[8448];
  snprintf(fullkey, sizeof fullkey, "%s/%s", bucket, key);
  const char *upload_id = qget(r, "uploadId");
  if (strcmp(m, "PUT") == 0) {
    if (r->has_copy_source) return not_implemented(c, r);
    if (upload_id) {
      const char *pn = qget(r, "partNumber");
      if (!pn) return s3_error(c, r, 400, "InvalidArgument", "partNumber missing");
      return h_upload_part(c, r, fullkey, upload_id, pn);
    }
    if (qget(r, "tagging") || qget(r, "acl")) return not_implemented(c, r);
    return h_put_object(c, r, bucket, fullkey);
  }
  if (strcmp(m, "POST") == 0) {
    if (qget(r, "uploads")) return h_create_mpu(c, r, bucket, key, fullkey);
    if (upload_id) return h_complete_mpu(c, r, bucket, key, fullkey, upload_id);
    return not_implemented(c, r);
  }
  if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
    if (upload_id || qget(r, "tagging") || qget(r, "acl") || qget(r, "attributes"))
      return not_implemented(c, r);
    return h_get_object(c, r, fullkey);
  }
  if (strcmp(m, "DELETE") == 0) {
    if (body_discard(c, r) < 0) return -1;
    if (upload_id) return h_abort_mpu(c, r, upload_id);
    obj_delete(fullkey);
    return respond(c, r, 204, NULL, NULL, NULL, 0);
  }
  return not_implemented(c, r);
}

static void *serve(void *arg) {
  conn *c = arg;
  c->io = malloc(IO_BUF);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (;;) {
    request r;
    memset(&r, 0, sizeof r);
    int h = read_head(c, &r);
    if (h <= 0) {
      free(r.meta.p);
      free(r.raw);
      break;
    }
    int rc = handle(c, &r);
    free(r.meta.p);
    free(r.raw);
    if (rc < 0 || !r.keep_alive) break;
  }
  close(c->fd);
  free(c->io);
  free(c);
  return NULL;
}

int main(int argc, char **argv) {
  const char *addr = "127.0.0.1";
  int port = 0, opt;
  while ((opt = getopt(argc, argv, "a:p:d:M:v")) != -1) {
    switch (opt) {
      case 'a': addr = optarg; break;
      case 'p': port = atoi(optarg); break;
      case 'd': g_datadir = optarg; break;
      case 'M': g_md5_max = strtoull(optarg, NULL, 10); break;
      case 'v': g_verbose = 1; break;
      default:
        fprintf(stderr, "usage: %s -d DATADIR [-a ADDR] [-p PORT] [-M MD5_MAX] [-v]\n", argv[0]);
        return 2;
    }
  }
  if (!g_datadir) {
    fprintf(stderr, "s3fast: -d DATADIR is required\n");
    return 2;
  }
  int probe = open(g_datadir, O_TMPFILE | O_RDWR, 0600);
  if (probe < 0) {
    perror("s3fast: DATADIR does not take O_TMPFILE files");
    return 1;
  }
  close(probe);
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
    fprintf(stderr, "s3fast: bad address %s\n", addr);
    return 2;
  }
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 1024) < 0) {
    perror("s3fast: bind/listen");
    return 1;
  }
  socklen_t sl = sizeof sa;
  getsockname(ls, (struct sockaddr *)&sa, &sl);
  printf("listening on %s:%d\n", addr, ntohs(sa.sin_port));
  fflush(stdout);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE) continue;
      perror("s3fast: accept");
      return 1;
    }
    conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    pthread_t t;
    if (pthread_create(&t, &attr, serve, c) != 0) {
      close(fd);
      free(c);
    }
  }
}
