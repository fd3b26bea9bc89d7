// op.cc: shared coordinator helpers and the multipart upload session.
#include "transfer/op.h"

#include <cstring>

#include "s3/crypto.h"
#include "s3/xml.h"

namespace xfer::transfer {

void Op::run_task(std::function<void()> fn) {
  auto self = shared_from_this();
  eng_.executor().submit([self, fn = std::move(fn)] { fn(); });
}

core::Error Op::commit_call(Call &c, http::Response &r) {
  if (c.http.body_size == 0) {
    if (!st_->begin_commit())
      return core::Error(core::Code::Cancelled, "the request was cancelled");
  } else {
    core::TransferState *st = st_.get();
    c.http.before_last_byte = [st] { return st->begin_commit(); };
  }
  return call(c, r);
}

namespace {

// The ETag S3 gives a multipart object: the MD5 of the parts' binary MD5s, then "-N"
// (quoted). Empty when a part's ETag is not a plain MD5 (SSE-KMS, some servers).
std::string multipart_etag(const std::vector<s3::CompletedPart> &parts) {
  std::string md5s;
  for (const auto &p : parts) {
    std::string_view hex = p.etag;
    if (hex.size() == 34 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, 32);
    auto md5 = s3::hex_decode(hex);
    if (!md5 || md5->size() != 16) return "";
    md5s += *md5;
  }
  return "\"" + s3::hex_encode(s3::md5_raw(md5s)) + "-" + std::to_string(parts.size()) + "\"";
}

}  // namespace

s3::S3Request Op::request(const char *method) const {
  s3::S3Request r;
  r.method = method;
  r.bucket = bucket_;
  r.key = key_;
  return r;
}

s3::ChecksumAlgorithm Op::checksum_algorithm() const {
  if (auto v = args_.get("ChecksumAlgorithm")) {
    if (auto a = s3::parse_checksum_algorithm(*v)) return *a;
  }
  return eng_.config().checksum;
}

bool Op::sign_payload() const {
  const Config &c = eng_.config();
  return c.sign_payload ||
         (checksum_algorithm() == s3::ChecksumAlgorithm::None && c.endpoint.scheme == "http");
}

PayloadDigests Op::digests() const {
  return PayloadDigests(checksum_algorithm(), sign_payload(), eng_.config().content_md5);
}

PayloadDigests::PayloadDigests(s3::ChecksumAlgorithm alg, bool sha256, bool md5) : sum_(alg) {
  if (sha256) sha_ = std::make_unique<s3::Sha256>();
  if (md5) md5_ = std::make_unique<s3::Md5>();
}

void PayloadDigests::update(const void *data, size_t len) {
  sum_.update(data, len);
  if (sha_) sha_->update(data, len);
  if (md5_) md5_->update(data, len);
}

void PayloadDigests::apply(s3::S3Request &req) {
  if (sum_.algorithm() != s3::ChecksumAlgorithm::None)
    req.headers.emplace_back(s3::checksum_header(sum_.algorithm()), sum_.base64());
  if (md5_) req.headers.emplace_back("Content-MD5", s3::base64_encode(md5_->finish_raw()));
  req.payload_hash = sha_ ? s3::hex_encode(sha_->finish_raw()) : "UNSIGNED-PAYLOAD";
}

std::shared_ptr<core::TransferState> new_state(Engine &e, core::ProgressFn progress,
                                               core::Error *err) {
  auto st = std::make_shared<core::TransferState>(std::move(progress));
  if (!e.register_transfer(st)) {
    *err = core::Error(core::Code::State, "the manager is shut down");
    return nullptr;
  }
  return st;
}

std::shared_ptr<core::TransferState> failed(std::shared_ptr<core::TransferState> st,
                                            core::Error err) {
  st->fail(std::move(err));
  st->finish(core::Result());
  return st;
}

std::function<int64_t(char *, size_t, uint64_t)> memory_body(const uint8_t *data, size_t len) {
  return [data, len](char *buf, size_t cap, uint64_t off) -> int64_t {
    if (off >= len) return -1;
    size_t n = std::min<uint64_t>(cap, len - off);
    std::memcpy(buf, data + off, n);
    return int64_t(n);
  };
}

void take_object_headers(const http::Response &r, core::Result &res) {
  std::string etag = r.header("etag");
  if (!etag.empty()) res.etag = s3::normalize_etag(etag);
  std::string v = r.header("x-amz-version-id");
  if (!v.empty() && v != "null") res.version_id = v;
}

core::Error MultipartSession::create(const std::atomic<bool> *cancel,
                                     const s3::KeyValues &extra_headers) {
  Call c;
  c.req.method = "POST";
  c.req.bucket = bucket_;
  c.req.key = key_;
  c.req.query.emplace_back("uploads", "");
  args_.apply(is_copy_ ? RequestKind::CopyOrCreate : RequestKind::PutOrCreate, c.req);
  for (auto &h : extra_headers) c.req.headers.push_back(h);
  if (alg_ != s3::ChecksumAlgorithm::None && !is_copy_)
    c.req.headers.emplace_back("x-amz-checksum-algorithm", s3::checksum_name(alg_));
  c.req.payload_hash = s3::kEmptySha256;
  http::Response r;
  core::Error e = eng_.call(c, r, cancel);
  if (e) return e;
  auto parsed = s3::parse_initiate_multipart(r.body);
  if (!parsed) {
    e = core::Error(core::Code::Service, "CreateMultipartUpload: the answer has no UploadId");
    e.http_status = r.status;
    return e;
  }
  upload_id_ = parsed->upload_id;
  return core::Error();
}

s3::S3Request MultipartSession::part_request(int number) const {
  s3::S3Request req;
  req.method = "PUT";
  req.bucket = bucket_;
  req.key = key_;
  req.query.emplace_back("partNumber", std::to_string(number));
  req.query.emplace_back("uploadId", upload_id_);
  args_.apply(is_copy_ ? RequestKind::UploadPartCopy : RequestKind::UploadPart, req);
  return req;
}

void MultipartSession::add_part(int number, std::string etag, std::string checksum_raw,
                                uint64_t crc, uint64_t len) {
  std::lock_guard<std::mutex> lk(mu_);
  parts_[number] = PartInfo{std::move(etag), std::move(checksum_raw), crc, len};
}

core::Error MultipartSession::complete(const std::atomic<bool> *cancel, core::Result &out) {
  const bool part_sums = alg_ != s3::ChecksumAlgorithm::None && !is_copy_;
  std::vector<s3::CompletedPart> parts;
  std::vector<std::string> raws;
  std::vector<std::pair<uint64_t, uint64_t>> crcs;
  uint64_t total = 0;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto &kv : parts_) {
      s3::CompletedPart p;
      p.part_number = kv.first;
      p.etag = kv.second.etag;
      if (part_sums) {
        p.checksum_element = s3::checksum_xml_element(alg_);
        p.checksum_value = s3::base64_encode(kv.second.checksum_raw);
      }
      parts.push_back(std::move(p));
      raws.push_back(kv.second.checksum_raw);
      crcs.emplace_back(kv.second.crc, kv.second.len);
      total += kv.second.len;
    }
  }
  http::Response r;
  core::Error e;
  int sent_whole = 0;  // times this round's Complete went out whole (libcurl's resends too)
  for (int round = 0; round < 2; round++) {
    sent_whole = 0;
    bool with_sums = part_sums && eng_.complete_with_checksums.load();
    if (!with_sums)
      for (auto &p : parts) p.checksum_element.clear();
    std::string body = s3::build_complete_multipart(parts);
    Call c;
    c.req.method = "POST";
    c.req.bucket = bucket_;
    c.req.key = key_;
    c.req.query.emplace_back("uploadId", upload_id_);
    args_.apply(RequestKind::Complete, c.req);
    c.req.headers.emplace_back("Content-Type", "application/xml");
    c.req.payload_hash = s3::sha256_hex(body);
    c.http.body_size = body.size();
    c.http.read_body = memory_body(reinterpret_cast<const uint8_t *>(body.data()), body.size());
    c.error_body_on_200 = true;
    c.http.before_last_byte = [&sent_whole] {
      sent_whole++;
      return true;
    };
    e = eng_.call(c, r, cancel);
    // A server that does not know part checksums in Complete rejects the document: send it
    // again without them, and remember for the next uploads.
    if (with_sums && e.code == core::Code::Service && e.service_code == "MalformedXML") {
      eng_.complete_with_checksums.store(false);
      continue;
    }
    break;
  }
  const bool answer_lost = e.code == core::Code::Network || e.code == core::Code::TimedOut;
  if (e && (sent_whole > 1 || (sent_whole == 1 && answer_lost))) {
    // A Complete whose answer was lost may have made the object, and its retry then fails
    // (AWS: NoSuchUpload once the upload is gone). The object is ours when its ETag is the
    // one these very parts give and its size is theirs.
    if (!completed_earlier(parts, total, cancel, out)) return e;
    e = core::Error();
  } else if (e) {
    return e;
  } else {
    auto parsed = s3::parse_complete_multipart(r.body);
    if (!parsed) {
      e = core::Error(core::Code::Service, "CompleteMultipartUpload: the answer is not a result");
      e.http_status = r.status;
      return e;
    }
    out.etag = parsed->etag;
    std::string v = r.header("x-amz-version-id");
    if (!v.empty() && v != "null") out.version_id = v;
  }
  out.size = total;
  if (out.etag.empty()) {
    // radosgw answers Complete with an empty ETag; HEAD has the right one.
    Call h;
    h.req.method = "HEAD";
    h.req.bucket = bucket_;
    h.req.key = key_;
    h.req.payload_hash = s3::kEmptySha256;
    http::Response hr;
    if (!eng_.call(h, hr, cancel)) take_object_headers(hr, out);
  }
  if (part_sums) {
    if (s3::checksum_is_crc(alg_)) {
      out.checksum = s3::format_checksum_result(alg_, s3::full_object_crc_base64(alg_, crcs));
    } else {
      out.checksum = s3::format_checksum_result(alg_, s3::composite_checksum(alg_, raws));
    }
  }
  return core::Error();
}

bool MultipartSession::completed_earlier(const std::vector<s3::CompletedPart> &parts,
                                         uint64_t total, const std::atomic<bool> *cancel,
                                         core::Result &out) {
  std::string want = multipart_etag(parts);
  if (want.empty()) return false;
  Call h;
  h.req.method = "HEAD";
  h.req.bucket = bucket_;
  h.req.key = key_;
  args_.apply(RequestKind::Head, h.req);
  h.req.payload_hash = s3::kEmptySha256;
  http::Response hr;
  if (eng_.call(h, hr, cancel)) return false;
  if (s3::normalize_etag(hr.header("etag")) != want) return false;
  if (hr.header("content-length") != std::to_string(total)) return false;
  take_object_headers(hr, out);
  return true;
}

core::Error MultipartSession::abort() {
  Call c;
  c.req.method = "DELETE";
  c.req.bucket = bucket_;
  c.req.key = key_;
  c.req.query.emplace_back("uploadId", upload_id_);
  args_.apply(RequestKind::Delete, c.req);
  c.req.payload_hash = s3::kEmptySha256;
  http::Response r;
  core::Error e = eng_.call(c, r, nullptr);
  if (e && e.http_status == 404) return core::Error();  // already gone
  return e;
}

}  // namespace xfer::transfer
