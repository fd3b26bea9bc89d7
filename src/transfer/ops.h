// ops.h: the entry points that start each kind of transfer and return its state at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/transfer_state.h"
#include "transfer/engine.h"
#include "transfer/extra_args.h"

namespace xfer::transfer {

// Read from a stream: > 0 bytes, 0 end, < 0 failure. Called on the waiting thread only.
using ReadFn = std::function<int64_t(uint8_t *buf, size_t cap)>;
// Write to a stream, in offset order; non-zero fails. Called on the waiting thread only.
using WriteFn = std::function<int(const uint8_t *data, size_t len, uint64_t offset)>;

struct Target {
  std::string bucket, key;
};

// Each validates what it can synchronously (returning nullptr with *err set) and otherwise
// reports through the returned state.
std::shared_ptr<core::TransferState> start_upload_file(Engine &e, const std::string &path, Target t,
                                                       ExtraArgs args, core::ProgressFn progress,
                                                       core::Error *err);
std::shared_ptr<core::TransferState> start_upload_stream(Engine &e, ReadFn read, Target t,
                                                         ExtraArgs args, core::ProgressFn progress,
                                                         core::Error *err);
std::shared_ptr<core::TransferState> start_download_file(Engine &e, Target t,
                                                         const std::string &path, ExtraArgs args,
                                                         core::ProgressFn progress,
                                                         core::Error *err);
std::shared_ptr<core::TransferState> start_download_stream(Engine &e, Target t, WriteFn write,
                                                           ExtraArgs args,
                                                           core::ProgressFn progress,
                                                           core::Error *err);
std::shared_ptr<core::TransferState> start_copy(Engine &e, Target src, Target dst, ExtraArgs args,
                                                core::ProgressFn progress, core::Error *err);
std::shared_ptr<core::TransferState> start_delete(Engine &e, Target t, ExtraArgs args,
                                                  core::Error *err);
std::shared_ptr<core::TransferState> start_bucket_op(Engine &e, const std::string &bucket,
                                                     bool create, core::Error *err);

}  // namespace xfer::transfer
