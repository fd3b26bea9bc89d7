// file.cc: POSIX file helpers.
#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace xfer::core {

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r returns the message pointer (it may not use buf).
  const char *m = strerror_r(err, buf, sizeof buf);
  return m ? m : "unknown error";
}

File &File::operator=(File &&o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void File::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

File File::open_read(const std::string &path, Error *err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && err) *err = Error(Code::Io, "cannot open " + path + ": " + errno_text(errno));
  return File(fd);
}

int64_t File::pread_full(void *buf, size_t len, uint64_t off) const {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd_, static_cast<char *>(buf) + done, len - done, off_t(off + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    done += size_t(n);
  }
  return int64_t(done);
}

bool File::pwrite_full(const void *buf, size_t len, uint64_t off) const {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pwrite(fd_, static_cast<const char *>(buf) + done, len - done, off_t(off + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

bool File::regular_size(uint64_t *size) const {
  struct stat st;
  if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *size = uint64_t(st.st_size);
  return true;
}

TempFile::~TempFile() {
  discard();
}

Error TempFile::create(const std::string &target) {
  thread_local std::mt19937 rng{std::random_device{}()};
  target_ = target;
  for (int tries = 0; tries < 16; tries++) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".%08x", unsigned(rng()));
    std::string p = target + suffix;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      file_ = File(fd);
      path_ = p;
      return Error();
    }
    if (errno != EEXIST)
      return Error(Code::Io,
                   "cannot create a temporary file beside " + target + ": " + errno_text(errno));
  }
  return Error(Code::Io, "cannot create a temporary file beside " + target);
}

Error TempFile::commit() {
  file_.close();
  if (::rename(path_.c_str(), target_.c_str()) != 0) {
    Error e(Code::Io, "cannot rename " + path_ + " to " + target_ + ": " + errno_text(errno));
    discard();
    return e;
  }
  path_.clear();
  return Error();
}

void TempFile::discard() {
  file_.close();
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

}  // namespace xfer::core
