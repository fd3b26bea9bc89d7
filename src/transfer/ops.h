// ops.h: the entry points that start each kind of transfer and return its state at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

// A transfer started by a transfer of many: its progress adds to the parent's, and on_finish
// runs (on a worker) when it ends.
struct ChildOf {
  std::shared_ptr<core::TransferState> parent;
  std::function<void()> on_finish;
};

inline void adopt(core::TransferState &st, const ChildOf *child) {
  if (!child) return;
  st.set_parent(child->parent);
  st.set_on_finish(child->on_finish);
}

// One listing entry, as the waiting thread's callback sees it.
struct ObjectEntry {
  std::string key, etag, last_modified;
  uint64_t size = 0;
  bool is_prefix = false;
};
using ListFn = std::function<int(const ObjectEntry &)>;  // non-zero stops

// Filters and bounds of a directory transfer.
struct DirOptions {
  std::vector<std::pair<std::string, bool>> filters;  // (glob, include) in order; last match wins
  uint32_t max_in_flight = 0;                         // 0: the manager's max_concurrency
  bool guess_content_type = false;  // uploads: each file's type from its extension
  bool included(const std::string &relative) const;
};

// Each validates what it can synchronously (returning nullptr with *err set) and otherwise
// reports through the returned state.
std::shared_ptr<core::TransferState> start_upload_file(Engine &e, const std::string &path, Target t,
                                                       ExtraArgs args, core::ProgressFn progress,
                                                       core::Error *err,
                                                       const ChildOf *child = nullptr);
std::shared_ptr<core::TransferState> start_upload_stream(Engine &e, ReadFn read, Target t,
                                                         ExtraArgs args, core::ProgressFn progress,
                                                         core::Error *err);
// Exactly size bytes from read, with signed aws-chunked bodies and no part buffers.
std::shared_ptr<core::TransferState> start_upload_chunked(Engine &e, ReadFn read, uint64_t size,
                                                          Target t, ExtraArgs args,
                                                          core::ProgressFn progress,
                                                          core::Error *err);
std::shared_ptr<core::TransferState> start_download_file(Engine &e, Target t,
                                                         const std::string &path, ExtraArgs args,
                                                         core::ProgressFn progress,
                                                         core::Error *err,
                                                         const ChildOf *child = nullptr);
std::shared_ptr<core::TransferState> start_download_stream(Engine &e, Target t, WriteFn write,
                                                           ExtraArgs args,
                                                           core::ProgressFn progress,
                                                           core::Error *err);
std::shared_ptr<core::TransferState> start_copy(Engine &e, Target src, Target dst, ExtraArgs args,
                                                core::ProgressFn progress, core::Error *err);
std::shared_ptr<core::TransferState> start_delete(Engine &e, Target t, ExtraArgs args,
                                                  core::Error *err);
std::shared_ptr<core::TransferState> start_list(Engine &e, const std::string &bucket,
                                                const std::string &prefix,
                                                const std::string &delimiter, ListFn fn,
                                                core::Error *err);
std::shared_ptr<core::TransferState> start_delete_prefix(Engine &e, const std::string &bucket,
                                                         const std::string &prefix,
                                                         core::Error *err);
std::shared_ptr<core::TransferState> start_upload_directory(Engine &e, const std::string &dir,
                                                            Target prefix, ExtraArgs args,
                                                            DirOptions opts,
                                                            core::ProgressFn progress,
                                                            core::Error *err);
std::shared_ptr<core::TransferState> start_download_directory(Engine &e, Target prefix,
                                                              const std::string &dir,
                                                              ExtraArgs args, DirOptions opts,
                                                              core::ProgressFn progress,
                                                              core::Error *err);
std::shared_ptr<core::TransferState> start_bucket_op(Engine &e, const std::string &bucket,
                                                     bool create, core::Error *err);

}  // namespace xfer::transfer
