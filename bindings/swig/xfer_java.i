/* xfer_java.i: the Java-only part of the SWIG interface: JNI trampolines for the read, write and progress callbacks, 64-bit sizes as long, Java enums, library loading. */
/* Java has no unsigned 64-bit type: sizes and offsets are passed as long (a size above
 * Long.MAX_VALUE does not occur; XFER_SIZE_UNKNOWN arrives as -1). */
%apply long long { uint64_t };
%apply long long { const uint64_t };

/* Proper Java enums for xfer_status. */
%include "enums.swg"
%javaconst(1);

/* Loads libxfer_jni before any native method runs: from the path in the system property
 * io.xfer.jni.path if set, else from java.library.path. */
%pragma(java) jniclasscode=%{
  static {
    String path = System.getProperty("io.xfer.jni.path");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("xfer_jni");
    }
  }
%}

/* Helpers below take the JNIEnv of the calling Java thread; Java does not pass it. */
%typemap(in, numinputs=0) JNIEnv *jenv %{ $1 = jenv; %}

/* The whole C API, shared with Go and Ruby. */
%include "xfer.i"

%{
#include <jni.h>
#include <limits.h>
#include <stdlib.h>

/* The per-transfer state behind read_data/progress_data: a global reference to the Java
 * object whose read/write/progress methods the trampolines call, and the first Throwable a
 * callback threw. Created and freed by the Java layer (io.xfer.TransferFuture), which frees
 * it only after xfer_future_free: the library never calls a trampoline after that. */
typedef struct xfer_java_callbacks {
  JavaVM *vm;
  jobject target;    /* global ref: an io.xfer.NativeCallbacks */
  jmethodID read;     /* int read(java.nio.ByteBuffer) */
  jmethodID write;    /* void write(java.nio.ByteBuffer, long offset) */
  jmethodID progress; /* void progress(long done, long total) */
  jthrowable error;   /* global ref: the first exception a callback threw, or NULL */
} xfer_java_callbacks;

/* The JNIEnv of the current thread. Trampolines run only inside xfer_future_wait, called
 * through JNI by a Java thread, so the thread is attached; NULL would mean a broken contract
 * and fails the transfer. */
static JNIEnv *xfer_java_env(xfer_java_callbacks *cb) {
  void *env = NULL;
  if ((*cb->vm)->GetEnv(cb->vm, &env, JNI_VERSION_1_8) != JNI_OK) return NULL;
  return (JNIEnv *)env;
}

/* If the callback threw, keeps the first Throwable (for TransferFuture.get() to rethrow as the
 * cause of its ExecutionException), clears it so the native wait can go on, and returns 1. */
static int xfer_java_catch(JNIEnv *env, xfer_java_callbacks *cb) {
  jthrowable t = (*env)->ExceptionOccurred(env);
  if (!t) return 0;
  (*env)->ExceptionClear(env);
  if (!cb->error) cb->error = (jthrowable)(*env)->NewGlobalRef(env, t);
  (*env)->DeleteLocalRef(env, t);
  return 1;
}

/* xfer_read_fn: the Java side fills a direct ByteBuffer over the library's part buffer, so
 * the bytes are copied from the Java heap into the part exactly once. */
static int64_t xfer_java_read_cb(uint8_t *buf, size_t cap, void *user_data) {
  xfer_java_callbacks *cb = (xfer_java_callbacks *)user_data;
  JNIEnv *env = xfer_java_env(cb);
  if (!env || cb->error || !cb->read) return -1;
  if (cap > INT_MAX) cap = INT_MAX; /* a ByteBuffer holds at most 2 GiB; short reads are fine */
  jobject bb = (*env)->NewDirectByteBuffer(env, buf, (jlong)cap);
  if (!bb) {
    xfer_java_catch(env, cb);
    return -1;
  }
  jint n = (*env)->CallIntMethod(env, cb->target, cb->read, bb);
  (*env)->DeleteLocalRef(env, bb); /* the wait may run thousands of callbacks in one JNI call */
  if (xfer_java_catch(env, cb)) return -1;
  return n < 0 ? -1 : (int64_t)n;
}

/* xfer_write_fn: hands the library's bytes to Java as a direct ByteBuffer (no copy here; the
 * Java side copies them once, into its OutputStream or channel). */
static int xfer_java_write_cb(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  xfer_java_callbacks *cb = (xfer_java_callbacks *)user_data;
  JNIEnv *env = xfer_java_env(cb);
  if (!env || cb->error || !cb->write) return 1;
  while (len > 0) { /* a ByteBuffer holds at most 2 GiB */
    size_t n = len > INT_MAX ? INT_MAX : len;
    jobject bb = (*env)->NewDirectByteBuffer(env, (void *)data, (jlong)n);
    if (!bb) {
      xfer_java_catch(env, cb);
      return 1;
    }
    (*env)->CallVoidMethod(env, cb->target, cb->write, bb, (jlong)offset);
    (*env)->DeleteLocalRef(env, bb);
    if (xfer_java_catch(env, cb)) return 1;
    data += n;
    len -= n;
    offset += n;
  }
  return 0;
}

/* xfer_progress_fn: XFER_SIZE_UNKNOWN arrives in Java as -1. A listener that throws cancels
 * the transfer, and get() reports what it threw. */
static int xfer_java_progress_cb(const xfer_progress *p, void *user_data) {
  xfer_java_callbacks *cb = (xfer_java_callbacks *)user_data;
  JNIEnv *env = xfer_java_env(cb);
  if (!env) return 1;
  if (cb->error || !cb->progress) return 0;
  (*env)->CallVoidMethod(env, cb->target, cb->progress, (jlong)p->bytes_done,
                         (jlong)p->bytes_total);
  return xfer_java_catch(env, cb);
}

/* A new callback state for @p target (an io.xfer.NativeCallbacks); NULL with a pending Java
 * exception if the JVM is out of memory or the class lacks a method. */
static void *xfer_java_callbacks_new(JNIEnv *jenv, jobject target) {
  if (!target) return NULL;
  xfer_java_callbacks *cb = (xfer_java_callbacks *)calloc(1, sizeof *cb);
  if (!cb) {
    jclass oom = (*jenv)->FindClass(jenv, "java/lang/OutOfMemoryError");
    if (oom) (*jenv)->ThrowNew(jenv, oom, "xfer_java_callbacks_new");
    return NULL;
  }
  jclass cls = (*jenv)->GetObjectClass(jenv, target);
  if ((*jenv)->GetJavaVM(jenv, &cb->vm) != JNI_OK ||
      !(cb->read = (*jenv)->GetMethodID(jenv, cls, "read", "(Ljava/nio/ByteBuffer;)I")) ||
      !(cb->write = (*jenv)->GetMethodID(jenv, cls, "write", "(Ljava/nio/ByteBuffer;J)V")) ||
      !(cb->progress = (*jenv)->GetMethodID(jenv, cls, "progress", "(JJ)V")) ||
      !(cb->target = (*jenv)->NewGlobalRef(jenv, target))) {
    (*jenv)->DeleteLocalRef(jenv, cls);
    free(cb);
    return NULL;
  }
  (*jenv)->DeleteLocalRef(jenv, cls);
  return cb;
}

/* The Throwable a callback threw (a new local reference), or null. */
static jobject xfer_java_callbacks_error(JNIEnv *jenv, void *state) {
  xfer_java_callbacks *cb = (xfer_java_callbacks *)state;
  if (!cb || !cb->error) return NULL;
  return (*jenv)->NewLocalRef(jenv, cb->error);
}

/* Releases the state; only after xfer_future_free of every future using it. */
static void xfer_java_callbacks_free(JNIEnv *jenv, void *state) {
  xfer_java_callbacks *cb = (xfer_java_callbacks *)state;
  if (!cb) return;
  if (cb->target) (*jenv)->DeleteGlobalRef(jenv, cb->target);
  if (cb->error) (*jenv)->DeleteGlobalRef(jenv, cb->error);
  free(cb);
}
%}

/* The trampolines, as constants to pass to xfer_upload_fileobj, xfer_download_fileobj and the
 * progress parameters, with the state from xfer_java_callbacks_new as their user data. */
%javaconst(0); /* a function address is known only at run time */
%constant xfer_read_fn XFER_JAVA_READ = xfer_java_read_cb;
%constant xfer_write_fn XFER_JAVA_WRITE = xfer_java_write_cb;
%constant xfer_progress_fn XFER_JAVA_PROGRESS = xfer_java_progress_cb;

void *xfer_java_callbacks_new(JNIEnv *jenv, jobject target);
jobject xfer_java_callbacks_error(JNIEnv *jenv, void *state);
void xfer_java_callbacks_free(JNIEnv *jenv, void *state);
