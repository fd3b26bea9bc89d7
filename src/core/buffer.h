// buffer.h: an owned, uninitialised byte buffer (part and range buffers are overwritten whole,
// so zero-filling them would only cost memory bandwidth).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace xfer::core {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t cap)
      : data_(static_cast<uint8_t *>(std::malloc(cap ? cap : 1))), cap_(cap) {
    if (!data_) throw std::bad_alloc();
  }
  uint8_t *data() { return data_.get(); }
  const uint8_t *data() const { return data_.get(); }
  size_t capacity() const { return cap_; }
  size_t size() const { return len_; }
  void set_size(size_t n) { len_ = n; }

 private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t cap_ = 0, len_ = 0;
};

}  // namespace xfer::core
