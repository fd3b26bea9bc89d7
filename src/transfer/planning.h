// planning.h: part and range sizes (s3transfer's ChunksizeAdjuster, and growth for streams).
#pragma once

#include <cstdint>

namespace xfer::transfer {

// Known size: double the chunk while more than 10,000 parts would be needed, then clamp to
// [5 MiB, 5 GiB].
uint64_t adjust_chunksize(uint64_t chunk, uint64_t size);
// Unknown size: part n (from 1) of a stream. The configured chunk (clamped) for the first
// 1,000 parts, doubling every 1,000 parts after, so 10,000 parts reach S3's 5 TiB object
// limit instead of failing at part 10,001 as s3transfer does.
uint64_t stream_part_size(uint64_t chunk, uint64_t part_number);
// Number of parts of chunk bytes for size bytes (at least 1).
uint64_t part_count(uint64_t size, uint64_t chunk);

}  // namespace xfer::transfer
