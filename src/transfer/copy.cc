// copy.cc: server-side copy (CopyObject below the threshold; UploadPartCopy ranges above it,
// keeping the source's metadata as CopyObject does unless MetadataDirective is REPLACE),
// delete, and bucket create/delete.
#include <algorithm>

#include "s3/crypto.h"
#include "s3/uri.h"
#include "s3/xml.h"
#include "transfer/op.h"
#include "transfer/ops.h"
#include "transfer/planning.h"

namespace xfer::transfer {

namespace {

// Headers of the source that a multipart copy must set on the new object itself.
const char *const kCopiedHeaders[] = {"content-type",     "cache-control",    "content-disposition",
                                      "content-encoding", "content-language", "expires"};

class Copy final : public Op {
 public:
  Copy(Engine &e, std::shared_ptr<core::TransferState> st, Target src, Target dst, ExtraArgs a)
      : Op(e, std::move(st), std::move(dst.bucket), std::move(dst.key), std::move(a)),
        src_(std::move(src)) {}

  void start() override {
    run_task([this] { head(); });
  }

 private:
  std::string copy_source() const {
    return "/" + src_.bucket + "/" + s3::uri_encode(src_.key, false);
  }

  void fail_and_finish(const core::Error &e) {
    st_->fail(e);
    st_->finish(core::Result());
  }

  void head() {
    Call c;
    c.req.method = "HEAD";
    c.req.bucket = src_.bucket;
    c.req.key = src_.key;
    args_.apply(RequestKind::CopySourceHead, c.req);
    c.req.payload_hash = s3::kEmptySha256;
    http::Response r;
    core::Error e = call(c, r);
    if (e) {
      e.message = "HeadObject on the copy source: " + e.message;
      return fail_and_finish(e);
    }
    size_ = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
    src_etag_ = r.header("etag");
    st_->set_total(size_);
    if (size_ < eng_.config().multipart_threshold) return copy_object();
    auto directive = args_.get("MetadataDirective");
    if (directive && *directive == "REPLACE") {
      create_args_ = args_;  // the caller's ContentType and Metadata replace the source's
    } else {
      // As CopyObject without REPLACE: the new object describes itself as the source does, and
      // the caller's ContentType, Metadata, ... are ignored (sending both would give Create
      // two Content-Types).
      create_args_ = args_.without_object_headers();
      for (auto &kv : r.headers) {
        bool copied = kv.first.rfind("x-amz-meta-", 0) == 0;
        for (const char *h : kCopiedHeaders) copied = copied || kv.first == h;
        if (copied) source_headers_.emplace_back(kv.first, kv.second);
      }
    }
    create();
  }

  void copy_object() {
    Call c;
    c.req = request("PUT");
    c.req.headers.emplace_back("x-amz-copy-source", copy_source());
    args_.apply(RequestKind::CopyOrCreate, c.req);
    c.req.payload_hash = s3::kEmptySha256;
    c.error_body_on_200 = true;
    http::Response r;
    core::Error e = commit_call(c, r);
    if (e) return fail_and_finish(e);
    auto parsed = s3::parse_copy_object(r.body);
    if (!parsed)
      return fail_and_finish(
          core::Error(core::Code::Service, "CopyObject: the answer is not a result"));
    core::Result res;
    take_object_headers(r, res);
    res.etag = parsed->etag;
    res.size = size_;
    st_->add_progress(size_);  // one request moved every byte
    st_->finish(std::move(res));
  }

  void create() {
    mp_ = std::make_unique<MultipartSession>(eng_, bucket_, key_, create_args_,
                                             s3::ChecksumAlgorithm::None, true);
    core::Error e = mp_->create(nullptr, source_headers_);
    if (e) return fail_and_finish(e);
    chunk_ = adjust_chunksize(eng_.config().multipart_chunksize, size_);
    uint64_t n = part_count(size_, chunk_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = n;
    }
    for (uint64_t i = 1; i <= n; i++) run_task([this, i] { copy_part(int(i)); });
  }

  void copy_part(int number) {
    if (!st_->stopping()) {
      uint64_t off = uint64_t(number - 1) * chunk_;
      uint64_t len = std::min(chunk_, size_ - off);
      Call c;
      c.req = mp_->part_request(number);
      c.req.headers.emplace_back("x-amz-copy-source", copy_source());
      c.req.headers.emplace_back("x-amz-copy-source-range", "bytes=" + std::to_string(off) + "-" +
                                                                std::to_string(off + len - 1));
      // Pin every part to the object the HEAD saw, unless the caller set a condition. Not for a
      // multipart source ETag ("...-N"): Swift compares it with its manifest's and answers 412.
      if (!args_.get("CopySourceIfMatch") && !src_etag_.empty() &&
          src_etag_.find('-') == std::string::npos)
        c.req.headers.emplace_back("x-amz-copy-source-if-match", src_etag_);
      c.req.payload_hash = s3::kEmptySha256;
      c.error_body_on_200 = true;
      http::Response r;
      core::Error e = call(c, r);
      if (!e) {
        auto parsed = s3::parse_copy_part(r.body);
        if (!parsed || parsed->etag.empty()) {
          e = core::Error(core::Code::Service, "UploadPartCopy: the answer is not a result");
        } else {
          mp_->add_part(number, parsed->etag, "", 0, len);
          st_->add_progress(len);
        }
      }
      if (e) st_->fail(e);
    }
    bool last;
    {
      std::lock_guard<std::mutex> lk(mu_);
      last = --running_ == 0;
    }
    if (!last) return;
    if (st_->begin_commit()) {
      core::Result res;
      core::Error e = mp_->complete(st_->stop_flag(), res);
      if (!e) return st_->finish(std::move(res));
      st_->fail(e);
    }
    mp_->abort();
    st_->finish(core::Result());
  }

  const Target src_;
  uint64_t size_ = 0, chunk_ = 0;
  std::string src_etag_;
  s3::KeyValues source_headers_;
  ExtraArgs create_args_;  // what the multipart session sends (mp_ keeps a reference)
  std::unique_ptr<MultipartSession> mp_;
  std::mutex mu_;
  uint64_t running_ = 0;
};

// One request whose answer ends the transfer: delete, create bucket, delete bucket.
class Single final : public Op {
 public:
  Single(Engine &e, std::shared_ptr<core::TransferState> st, std::string bucket, std::string key,
         ExtraArgs a, std::string method, std::string body)
      : Op(e, std::move(st), std::move(bucket), std::move(key), std::move(a)),
        method_(std::move(method)),
        body_(std::move(body)) {}

  void start() override {
    st_->set_total(0);  // moves no object bytes: its progress is 0 of 0 (see xfer_delete)
    run_task([this] {
      Call c;
      c.req = request(method_.c_str());
      if (method_ == "DELETE" && !key_.empty()) args_.apply(RequestKind::Delete, c.req);
      c.req.payload_hash = s3::sha256_hex(body_);
      if (!body_.empty()) {
        c.http.body_size = body_.size();
        c.http.read_body =
            memory_body(reinterpret_cast<const uint8_t *>(body_.data()), body_.size());
      }
      http::Response r;
      core::Error e = commit_call(c, r);
      if (e) {
        st_->fail(e);
        return st_->finish(core::Result());
      }
      core::Result res;
      std::string v = r.header("x-amz-version-id");
      if (!v.empty() && v != "null") res.version_id = v;
      st_->finish(std::move(res));
    });
  }

 private:
  const std::string method_, body_;
};

}  // namespace

std::shared_ptr<core::TransferState> start_copy(Engine &e, Target src, Target dst, ExtraArgs args,
                                                core::ProgressFn progress, core::Error *err) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  std::make_shared<Copy>(e, st, std::move(src), std::move(dst), std::move(args))->start();
  return st;
}

std::shared_ptr<core::TransferState> start_delete(Engine &e, Target t, ExtraArgs args,
                                                  core::Error *err) {
  auto st = new_state(e, nullptr, err);
  if (!st) return nullptr;
  std::make_shared<Single>(e, st, std::move(t.bucket), std::move(t.key), std::move(args), "DELETE",
                           "")
      ->start();
  return st;
}

std::shared_ptr<core::TransferState> start_bucket_op(Engine &e, const std::string &bucket,
                                                     bool create, core::Error *err) {
  auto st = new_state(e, nullptr, err);
  if (!st) return nullptr;
  std::string body = create ? s3::build_create_bucket(e.config().endpoint.region) : "";
  std::make_shared<Single>(e, st, bucket, "", ExtraArgs(), create ? "PUT" : "DELETE", body)
      ->start();
  return st;
}

}  // namespace xfer::transfer
