/* xfer.i: the one SWIG interface every language shares: the whole C API of xfer/xfer.h.
 * Callbacks are C function pointers; each language supplies C trampolines for them in its own
 * xfer_<lang>.i (which %includes this file), because calling into Go, Ruby or the JVM is what
 * truly differs. Those trampolines run on the language's own thread: libxfer calls user code
 * only inside xfer_future_wait, on the thread that waits. */
%module xfer

%{
#include "xfer/xfer.h"
%}

%include <stdint.i>

/* Opaque handles: the language layers own them and free them explicitly (no finalizers). */
%nodefaultctor xfer_config;
%nodefaultdtor xfer_config;
%nodefaultctor xfer_manager;
%nodefaultdtor xfer_manager;
%nodefaultctor xfer_future;
%nodefaultdtor xfer_future;
%nodefaultctor xfer_args;
%nodefaultdtor xfer_args;

/* xfer_presign returns an allocated string through an out parameter; languages wrap it. */
%ignore xfer_presign;
%ignore xfer_string_free;

#define XFER_API
%include "xfer/xfer.h"
