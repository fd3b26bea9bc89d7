// op.h: what every transfer coordinator shares: its engine, its future's state, task
// submission that keeps it alive, and the multipart upload session (create, parts, complete,
// abort) used by uploads and copies.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/transfer_state.h"
#include "s3/checksum.h"
#include "s3/crypto.h"
#include "s3/xml.h"
#include "transfer/engine.h"
#include "transfer/extra_args.h"

namespace xfer::transfer {

// The digests one request body needs, fed once over its bytes: the checksum (a header), the
// SHA-256 when payloads are signed, the MD5 when Content-MD5 is on.
class PayloadDigests {
 public:
  PayloadDigests(s3::ChecksumAlgorithm alg, bool sha256, bool md5);
  void update(const void *data, size_t len);
  // Adds the checksum and Content-MD5 headers and sets the payload hash.
  void apply(s3::S3Request &req);
  const s3::Checksum &checksum() const { return sum_; }

 private:
  s3::Checksum sum_;
  std::unique_ptr<s3::Sha256> sha_;
  std::unique_ptr<s3::Md5> md5_;
};

class Op : public std::enable_shared_from_this<Op> {
 public:
  Op(Engine &eng, std::shared_ptr<core::TransferState> st, std::string bucket, std::string key,
     ExtraArgs args)
      : eng_(eng),
        st_(std::move(st)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        args_(std::move(args)) {}
  virtual ~Op() = default;
  virtual void start() = 0;

 protected:
  // Runs fn on a worker thread; the op stays alive until fn returns.
  void run_task(std::function<void()> fn);
  s3::S3Request request(const char *method) const;
  // A request that stops when the transfer stops.
  core::Error call(Call &c, http::Response &r) { return eng_.call(c, r, st_->stop_flag()); }
  // The request that makes the result visible (PutObject, CopyObject, DeleteObject): a cancel
  // stops it only until its last body byte goes out; past that point the server may act on it,
  // so the transfer waits for the answer and reports it (TransferState::begin_commit()).
  core::Error commit_call(Call &c, http::Response &r);
  // The checksum algorithm of this transfer: ChecksumAlgorithm arg, else the config's.
  s3::ChecksumAlgorithm checksum_algorithm() const;
  bool sign_payload() const;
  class PayloadDigests digests() const;

  Engine &eng_;
  std::shared_ptr<core::TransferState> st_;
  const std::string bucket_, key_;
  const ExtraArgs args_;
};

// A new registered state; nullptr with *err set once the manager is shut down.
std::shared_ptr<core::TransferState> new_state(Engine &e, core::ProgressFn progress,
                                               core::Error *err);
// Ends st with err at once and returns it.
std::shared_ptr<core::TransferState> failed(std::shared_ptr<core::TransferState> st,
                                            core::Error err);

// Request bodies read from a memory buffer.
std::function<int64_t(char *, size_t, uint64_t)> memory_body(const uint8_t *data, size_t len);

// Fills result fields that every object answer carries.
void take_object_headers(const http::Response &r, core::Result &res);

// One multipart upload: thread-safe record of its parts; Complete and Abort.
class MultipartSession {
 public:
  MultipartSession(Engine &eng, std::string bucket, std::string key, const ExtraArgs &args,
                   s3::ChecksumAlgorithm alg, bool is_copy)
      : eng_(eng),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        args_(args),
        alg_(alg),
        is_copy_(is_copy) {}

  // CreateMultipartUpload with the extra args (and extra headers, e.g. copied metadata).
  // Callers pass no cancel flag: a Create cut off mid-way may still have created an upload
  // that only its answer names. Letting it finish means a cancelled transfer can abort it.
  core::Error create(const std::atomic<bool> *cancel, const s3::KeyValues &extra_headers = {});
  const std::string &upload_id() const { return upload_id_; }
  bool created() const { return !upload_id_.empty(); }
  // Records a finished part: its ETag, checksum (raw digest), CRC and length.
  void add_part(int number, std::string etag, std::string checksum_raw, uint64_t crc, uint64_t len);
  // CompleteMultipartUpload with the parts in order; the result's etag, version and checksum.
  core::Error complete(const std::atomic<bool> *cancel, core::Result &out);
  // AbortMultipartUpload; never stopped by cancellation (it is the clean-up), retried.
  core::Error abort();
  s3::S3Request part_request(int number) const;

 private:
  // After a retried Complete failed: whether the object now under the key is these parts
  // (HEAD: the multipart ETag they give and their total size); fills out's ETag and version.
  bool completed_earlier(const std::vector<s3::CompletedPart> &parts, uint64_t total,
                         const std::atomic<bool> *cancel, core::Result &out);
  struct PartInfo {
    std::string etag, checksum_raw;
    uint64_t crc = 0, len = 0;
  };
  Engine &eng_;
  const std::string bucket_, key_;
  const ExtraArgs &args_;
  const s3::ChecksumAlgorithm alg_;
  const bool is_copy_;
  std::string upload_id_;
  std::mutex mu_;
  std::map<int, PartInfo> parts_;
};

}  // namespace xfer::transfer
