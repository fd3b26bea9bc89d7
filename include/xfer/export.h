/* export.h: the XFER_API visibility macro for the public symbols of libxfer. */
#ifndef XFER_EXPORT_H
#define XFER_EXPORT_H

#if defined(XFER_STATIC_DEFINE)
#define XFER_API
#elif defined(_WIN32)
#if defined(XFER_BUILDING)
#define XFER_API __declspec(dllexport)
#else
#define XFER_API __declspec(dllimport)
#endif
#else
#define XFER_API __attribute__((visibility("default")))
#endif

#endif /* XFER_EXPORT_H */
