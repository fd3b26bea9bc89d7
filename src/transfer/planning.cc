// planning.cc: part sizing rules.
#include "transfer/planning.h"

#include <algorithm>

#include "transfer/config.h"

namespace xfer::transfer {

uint64_t adjust_chunksize(uint64_t chunk, uint64_t size) {
  if (chunk == 0) chunk = kMinPartSize;
  while (chunk < kMaxPartSize && (size + chunk - 1) / chunk > kMaxParts) chunk *= 2;
  return std::clamp(chunk, kMinPartSize, kMaxPartSize);
}

uint64_t stream_part_size(uint64_t chunk, uint64_t part_number) {
  uint64_t base = std::clamp(chunk, kMinPartSize, kMaxPartSize);
  uint64_t doublings = part_number == 0 ? 0 : (part_number - 1) / 1000;
  for (uint64_t i = 0; i < doublings && base < kMaxPartSize; i++) base *= 2;
  return std::min(base, kMaxPartSize);
}

uint64_t part_count(uint64_t size, uint64_t chunk) {
  if (size == 0) return 1;
  return (size + chunk - 1) / chunk;
}

}  // namespace xfer::transfer
