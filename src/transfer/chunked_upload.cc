// chunked_upload.cc: stream uploads of a known length with signed aws-chunked bodies
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): each request body streams from the read callback
// through two chunk buffers, so memory is two chunks, not parts.
//
// The read callback runs on the waiting thread and fills chunk buffers; the worker sending a
// body takes each full chunk, signs it (its signature chains from the one before, the first
// from the request's own) and frames it. Parts go one after another, since the stream is read
// in order. The price of holding no part: once a body's first bytes have been read, a failed
// request cannot be sent again, so the transfer fails (and aborts its multipart upload).
#include <strings.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "s3/chunked.h"
#include "transfer/op.h"
#include "transfer/ops.h"
#include "transfer/planning.h"

namespace xfer::transfer {

namespace {

constexpr unsigned kChunkBuffers = 2;  // one being read while the other is sent
constexpr auto kTakePoll = std::chrono::milliseconds(50);

using Chunk = std::vector<uint8_t>;

class ChunkedUpload;

// One request body: chunks taken from the upload as they are read, framed and signed.
class ChunkedBody {
 public:
  ChunkedBody(ChunkedUpload &up, uint64_t payload) : up_(up), left_(payload) {}
  void signed_as(const s3::PreparedRequest &p) {
    signer_ = s3::ChunkSigner(p.signing_key, p.amz_date, p.scope, p.signature);
  }
  bool untouched() const { return emitted_ == 0; }
  int64_t read(char *buf, size_t cap, uint64_t offset);

 private:
  ChunkedUpload &up_;
  uint64_t left_;  // payload bytes not yet taken
  s3::ChunkSigner signer_;
  std::string frame_;  // framing bytes to send before (or after) the current chunk
  size_t frame_off_ = 0;
  Chunk chunk_;
  bool have_chunk_ = false, final_ = false;
  size_t chunk_off_ = 0;
  uint64_t emitted_ = 0;
};

class ChunkedUpload final : public Op {
 public:
  ChunkedUpload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, ExtraArgs a,
                ReadFn read, uint64_t size)
      : Op(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a)),
        read_(std::move(read)),
        size_(size),
        chunk_size_(eng_.config().aws_chunk_size) {}

  void start() override {
    st_->set_total(size_);
    const Config &cfg = eng_.config();
    multipart_ = size_ >= cfg.multipart_threshold;
    part_size_ = multipart_ ? adjust_chunksize(cfg.multipart_chunksize, size_) : size_;
    if (size_ > 0) {
      size_t cap = size_t(std::min<uint64_t>(chunk_size_, size_));
      for (unsigned i = 0; i < kChunkBuffers; i++) {
        free_.emplace_back();
        free_.back().reserve(cap);
      }
      filler_active_ = true;
      post_fill();
    }
    run_task([this] { run(); });
  }

  // Worker side: the next full chunk, waiting for the reader; false once the transfer stops.
  bool take(Chunk &out) {
    std::unique_lock<std::mutex> lk(mu_);
    while (full_.empty()) {
      if (st_->stopping()) return false;
      cv_.wait_for(lk, kTakePoll);
    }
    out = std::move(full_.front());
    full_.pop_front();
    return true;
  }

  // Worker side: a chunk sent; its buffer goes back to the reader.
  void release(Chunk c) {
    bool post = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      free_.push_back(std::move(c));
      if (!filler_active_ && read_pos_ < size_ && !st_->stopping()) filler_active_ = post = true;
    }
    if (post) post_fill();
  }

  void sent_payload(uint64_t n) { st_->add_progress(n); }

 private:
  void post_fill() {
    auto self = std::static_pointer_cast<ChunkedUpload>(shared_from_this());
    st_->post([self](bool cancelled) { self->fill(cancelled); });
  }

  // On the waiting thread: fills free chunk buffers from the stream, each up to the chunk size
  // or the end of its part, so chunks never straddle parts. Yields when the wait's time is up.
  void fill(bool cancelled) {
    if (cancelled) return;
    for (;;) {
      if (filling_.empty()) {
        std::lock_guard<std::mutex> lk(mu_);
        if (free_.empty() || read_pos_ == size_) {
          filler_active_ = false;
          return;
        }
        filling_ = std::move(free_.back());
        free_.pop_back();
        uint64_t part_end = std::min(size_, (read_pos_ / part_size_ + 1) * part_size_);
        filling_.resize(size_t(std::min<uint64_t>(chunk_size_, part_end - read_pos_)));
        filled_ = 0;
      }
      while (filled_ < filling_.size()) {
        if (st_->stopping()) return;
        if (st_->yield_requested()) return post_fill();  // the next wait goes on
        size_t room = filling_.size() - filled_;
        int64_t n = read_(filling_.data() + filled_, room);
        if (n < 0 || uint64_t(n) > room) {
          return st_->fail(core::Error(core::Code::Io, n < 0 ? "the read callback failed"
                                                             : "the read callback returned "
                                                               "more than asked"));
        }
        if (n == 0) {
          return st_->fail(core::Error(
              core::Code::Io, "the stream ended after " + std::to_string(read_pos_ + filled_) +
                                  " of the " + std::to_string(size_) + " bytes announced"));
        }
        filled_ += size_t(n);
      }
      std::lock_guard<std::mutex> lk(mu_);
      read_pos_ += filling_.size();
      full_.push_back(std::move(filling_));
      filling_ = Chunk();
      cv_.notify_all();
    }
  }

  // On a worker: the requests, one after another.
  void run() {
    core::Result res;
    core::Error e = multipart_ ? run_multipart(res) : run_single(res);
    if (e) st_->fail(e);
    if (mp_ && mp_->created() && st_->stopping()) mp_->abort();
    st_->finish(st_->stopping() ? core::Result() : std::move(res));
  }

  core::Error run_single(core::Result &res) {
    Call c;
    c.req = request("PUT");
    args_.apply(RequestKind::PutOrCreate, c.req);
    http::Response r;
    core::Error e;
    if (size_ == 0) {  // nothing to stream: a plain empty PUT
      c.req.payload_hash = s3::kEmptySha256;
      e = commit_call(c, r);
    } else {
      e = send(c, size_, r, true);
    }
    if (e) return e;
    take_object_headers(r, res);
    res.size = size_;
    return e;
  }

  core::Error run_multipart(core::Result &res) {
    // Chunk signatures protect every byte, so no per-part checksum (it would have to be known
    // before the part is read).
    mp_ = std::make_unique<MultipartSession>(eng_, bucket_, key_, args_,
                                             s3::ChecksumAlgorithm::None, false);
    core::Error e = mp_->create(nullptr);
    if (e) return e;
    uint64_t parts = part_count(size_, part_size_);
    for (uint64_t i = 1; i <= parts; i++) {
      if (st_->stopping()) return core::Error();
      uint64_t len = std::min(part_size_, size_ - (i - 1) * part_size_);
      Call c;
      c.req = mp_->part_request(int(i));
      http::Response r;
      e = send(c, len, r, false);
      if (e) return e;
      std::string etag = r.header("etag");
      if (etag.empty())
        return core::Error(core::Code::Service, "UploadPart: the answer has no ETag");
      mp_->add_part(int(i), etag, "", 0, len);
    }
    if (!st_->begin_commit()) return core::Error();
    return mp_->complete(st_->stop_flag(), res);
  }

  core::Error send(Call &c, uint64_t len, http::Response &r, bool commit) {
    c.req.payload_hash = s3::kStreamingPayload;
    std::string encoding = "aws-chunked";
    for (auto it = c.req.headers.begin(); it != c.req.headers.end(); ++it) {
      if (strcasecmp(it->first.c_str(), "content-encoding") == 0) {  // aws-chunked comes first
        encoding += "," + it->second;
        c.req.headers.erase(it);
        break;
      }
    }
    c.req.headers.emplace_back("content-encoding", encoding);
    c.req.headers.emplace_back("x-amz-decoded-content-length", std::to_string(len));
    ChunkedBody body(*this, len);
    c.http.body_size = s3::aws_chunked_length(len, chunk_size_);
    c.http.rewindable = false;
    c.http.read_body = [&body](char *buf, size_t cap, uint64_t off) {
      return body.read(buf, cap, off);
    };
    c.on_prepared = [&body](const s3::PreparedRequest &p) { body.signed_as(p); };
    c.can_retry = [&body] { return body.untouched(); };
    return commit ? commit_call(c, r) : call(c, r);
  }

  ReadFn read_;
  const uint64_t size_;
  const uint64_t chunk_size_;
  bool multipart_ = false;
  uint64_t part_size_ = 0;
  std::unique_ptr<MultipartSession> mp_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Chunk> free_;     // guarded by mu_
  std::deque<Chunk> full_;      // guarded by mu_
  uint64_t read_pos_ = 0;       // bytes read into full chunks (guarded by mu_)
  bool filler_active_ = false;  // a fill event is queued or running (guarded by mu_)
  // The chunk being read (empty: none): only the waiting thread touches these.
  Chunk filling_;
  size_t filled_ = 0;
};

int64_t ChunkedBody::read(char *buf, size_t cap, uint64_t offset) {
  if (offset != emitted_) return -1;  // a body read once cannot be read again
  size_t n = 0;
  while (n < cap) {
    if (frame_off_ < frame_.size()) {
      size_t k = std::min(cap - n, frame_.size() - frame_off_);
      std::copy_n(frame_.data() + frame_off_, k, buf + n);
      frame_off_ += k;
      n += k;
    } else if (have_chunk_ && chunk_off_ < chunk_.size()) {
      size_t k = std::min(cap - n, chunk_.size() - chunk_off_);
      std::copy_n(chunk_.data() + chunk_off_, k, buf + n);
      chunk_off_ += k;
      n += k;
      up_.sent_payload(k);
    } else if (have_chunk_) {  // the chunk is out: its buffer goes back to the reader
      have_chunk_ = false;
      up_.release(std::move(chunk_));
      chunk_ = Chunk();
      frame_ = "\r\n";
      frame_off_ = 0;
    } else if (left_ > 0) {
      if (n > 0) break;  // send what is ready before waiting for the reader
      if (!up_.take(chunk_)) return -1;
      have_chunk_ = true;
      chunk_off_ = 0;
      left_ -= chunk_.size();
      frame_ = signer_.header(chunk_.data(), chunk_.size());
      frame_off_ = 0;
    } else if (!final_) {
      final_ = true;
      frame_ = signer_.header(nullptr, 0) + "\r\n";
      frame_off_ = 0;
    } else {
      break;
    }
  }
  emitted_ += n;
  return n > 0 ? int64_t(n) : -1;
}

}  // namespace

std::shared_ptr<core::TransferState> start_upload_chunked(Engine &e, ReadFn read, uint64_t size,
                                                          Target t, ExtraArgs args,
                                                          core::ProgressFn progress,
                                                          core::Error *err) {
  if (e.config().endpoint.creds.access_key.empty()) {
    *err =
        core::Error(core::Code::Inval, "signed aws-chunked uploads need credentials to sign with");
    return nullptr;
  }
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  auto op =
      std::make_shared<ChunkedUpload>(e, st, std::move(t), std::move(args), std::move(read), size);
  op->start();
  return st;
}

}  // namespace xfer::transfer
