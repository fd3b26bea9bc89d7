// file.h: an owned file descriptor with whole-range pread/pwrite, and temporary files that
// are removed unless committed (renamed into place).
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace xfer::core {

class File {
 public:
  File() = default;
  explicit File(int fd) : fd_(fd) {}
  ~File() { close(); }
  File(File &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  File &operator=(File &&o) noexcept;
  File(const File &) = delete;
  File &operator=(const File &) = delete;

  static File open_read(const std::string &path, Error *err);
  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void close();
  // Reads exactly len bytes at off unless the file ends: returns bytes read, or -1 (errno set).
  int64_t pread_full(void *buf, size_t len, uint64_t off) const;
  // Writes all len bytes at off; false on error (errno set).
  bool pwrite_full(const void *buf, size_t len, uint64_t off) const;
  // Size of a regular file; false when it is not one.
  bool regular_size(uint64_t *size) const;

 private:
  int fd_ = -1;
};

// A new file "<target>.<8 hex>" beside target, removed on destruction unless commit() renamed
// it over target.
class TempFile {
 public:
  TempFile() = default;
  ~TempFile();
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;

  Error create(const std::string &target);
  const File &file() const { return file_; }
  const std::string &path() const { return path_; }
  Error commit();  // close and rename over the target
  void discard();  // close and remove

 private:
  File file_;
  std::string path_, target_;
};

// "strerror(errno)" for messages, thread-safe.
std::string errno_text(int err);

}  // namespace xfer::core
