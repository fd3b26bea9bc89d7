// upload.cc: uploads from a file (parts sent straight from the file with pread) and from a
// read callback (parts read in order on the waiting thread, sent in parallel, bounded).
#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/buffer.h"
#include "core/file.h"
#include "s3/crypto.h"
#include "transfer/op.h"
#include "transfer/ops.h"
#include "transfer/planning.h"

namespace xfer::transfer {

namespace {

constexpr size_t kScanBlock = 1 << 20;

// Per-part progress as a high-water mark: a retried part does not count its bytes twice.
struct SentTracker {
  core::TransferState *st;
  uint64_t high = 0;
  void operator()(uint64_t sent) {
    if (sent > high) {
      st->add_progress(sent - high);
      high = sent;
    }
  }
};

std::string result_checksum(s3::ChecksumAlgorithm alg, const s3::Checksum &sum) {
  if (alg == s3::ChecksumAlgorithm::None) return "";
  return s3::format_checksum_result(alg, sum.base64());
}

class FileUpload final : public Op {
 public:
  FileUpload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, ExtraArgs a,
             core::File f, uint64_t size, std::string path)
      : Op(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a)),
        file_(std::move(f)),
        size_(size),
        path_(std::move(path)) {}

  void start() override {
    st_->set_total(size_);
    if (size_ < eng_.config().multipart_threshold) {
      run_task([this] { single_put(); });
    } else {
      run_task([this] { create(); });
    }
  }

 private:
  // One pass over [off, off+len) for the body's digests (checksum, SHA-256, MD5 as needed).
  core::Error scan(uint64_t off, uint64_t len, PayloadDigests &d) {
    thread_local std::vector<uint8_t> block(kScanBlock);
    uint64_t done = 0;
    while (done < len) {
      if (st_->stopping()) return core::Error(core::Code::Cancelled, "cancelled");
      size_t n = size_t(std::min<uint64_t>(kScanBlock, len - done));
      int64_t got = file_.pread_full(block.data(), n, off + done);
      if (got != int64_t(n)) return read_error(got);
      d.update(block.data(), n);
      done += n;
    }
    return core::Error();
  }

  core::Error read_error(int64_t got) const {
    if (got < 0)
      return core::Error(core::Code::Io, "cannot read " + path_ + ": " + core::errno_text(errno));
    return core::Error(core::Code::Io, path_ + " became shorter during the upload");
  }

  std::function<int64_t(char *, size_t, uint64_t)> file_body(uint64_t base, uint64_t len) {
    return [this, base, len](char *buf, size_t cap, uint64_t off) -> int64_t {
      size_t n = size_t(std::min<uint64_t>(cap, len - off));
      int64_t got = file_.pread_full(buf, n, base + off);
      return got == int64_t(n) ? got : -1;
    };
  }

  void single_put() {
    s3::ChecksumAlgorithm alg = checksum_algorithm();
    PayloadDigests d = digests();
    core::Error e = scan(0, size_, d);
    if (e) return fail_and_finish(e);
    const s3::Checksum &sum = d.checksum();
    Call c;
    c.req = request("PUT");
    args_.apply(RequestKind::PutOrCreate, c.req);
    d.apply(c.req);
    c.http.body_size = size_;
    if (size_ > 0) c.http.read_body = file_body(0, size_);
    SentTracker tracker{st_.get()};
    c.http.on_sent = [&tracker](uint64_t s) { tracker(s); };
    http::Response r;
    e = commit_call(c, r);
    if (e) return fail_and_finish(e);
    core::Result res;
    take_object_headers(r, res);
    res.size = size_;
    res.checksum = result_checksum(alg, sum);
    st_->finish(std::move(res));
  }

  void fail_and_finish(const core::Error &e) {
    st_->fail(e);
    st_->finish(core::Result());
  }

  void create() {
    alg_ = checksum_algorithm();
    mp_ = std::make_unique<MultipartSession>(eng_, bucket_, key_, args_, alg_, false);
    core::Error e = mp_->create(nullptr);
    if (e) return fail_and_finish(e);
    chunk_ = adjust_chunksize(eng_.config().multipart_chunksize, size_);
    uint64_t n = part_count(size_, chunk_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = n;
    }
    for (uint64_t i = 1; i <= n; i++) run_task([this, i] { upload_part(int(i)); });
  }

  void upload_part(int number) {
    if (!st_->stopping()) {
      uint64_t off = uint64_t(number - 1) * chunk_;
      uint64_t len = std::min(chunk_, size_ - off);
      PayloadDigests d = digests();
      const s3::Checksum &sum = d.checksum();
      core::Error e = scan(off, len, d);
      if (!e) {
        Call c;
        c.req = mp_->part_request(number);
        d.apply(c.req);
        c.http.body_size = len;
        c.http.read_body = file_body(off, len);
        SentTracker tracker{st_.get()};
        c.http.on_sent = [&tracker](uint64_t s) { tracker(s); };
        http::Response r;
        e = call(c, r);
        if (!e) {
          std::string etag = r.header("etag");
          if (etag.empty()) {
            e = core::Error(core::Code::Service, "UploadPart: the answer has no ETag");
          } else {
            mp_->add_part(number, etag, sum.raw(), sum.crc(), len);
          }
        }
      }
      if (e) st_->fail(e);
    }
    bool last;
    {
      std::lock_guard<std::mutex> lk(mu_);
      last = --running_ == 0;
    }
    if (last) finalize();
  }

  void finalize() {
    if (st_->begin_commit()) {
      core::Result res;
      core::Error e = mp_->complete(st_->stop_flag(), res);
      if (!e) {
        st_->finish(std::move(res));
        return;
      }
      st_->fail(e);
    }
    mp_->abort();
    st_->finish(core::Result());
  }

  core::File file_;
  const uint64_t size_;
  const std::string path_;
  s3::ChecksumAlgorithm alg_ = s3::ChecksumAlgorithm::None;
  uint64_t chunk_ = 0;
  std::unique_ptr<MultipartSession> mp_;
  std::mutex mu_;
  uint64_t running_ = 0;
};

// A part read from the stream, held until it has been sent.
struct StreamPart {
  int number = 0;
  core::Buffer buf;
  // The part's CRC, computed slice by slice as it is read, while the bytes are still in cache
  // (over the whole cold part on a worker it cost a quarter of a stream upload's CPU). Only
  // for CRCs: slower digests (SHA, MD5) stay on the workers, off the reading thread.
  std::unique_ptr<PayloadDigests> sums;
};

class StreamUpload final : public Op {
 public:
  StreamUpload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, ExtraArgs a,
               ReadFn read)
      : Op(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a)),
        read_(std::move(read)) {}

  void start() override {
    alg_ = checksum_algorithm();
    {
      std::lock_guard<std::mutex> lk(mu_);
      reading_ = true;
    }
    post_read();
  }

 private:
  void post_read() {
    auto self = std::static_pointer_cast<StreamUpload>(shared_from_this());
    st_->post([self](bool cancelled) { self->read_part(cancelled); });
  }

  // On the waiting thread: fill one part, calling the reader until the part is full or the
  // stream ends, so short reads give exactly the parts full reads would. When the wait's time
  // is up the part keeps what it has and the next wait goes on filling it.
  void read_part(bool cancelled) {
    if (cancelled) {
      filling_.reset();
      return stop_reading();
    }
    if (!filling_) {
      uint64_t want;
      {
        std::lock_guard<std::mutex> lk(mu_);
        want = stream_part_size(eng_.config().multipart_chunksize, uint64_t(next_number_));
      }
      filling_ = std::make_shared<StreamPart>();
      if (crc_while_reading()) filling_->sums = std::make_unique<PayloadDigests>(digests());
      try {
        filling_->buf = reuse_or_allocate(size_t(want));
      } catch (const std::bad_alloc &) {
        filling_.reset();
        st_->fail(core::Error(core::Code::NoMem, "cannot allocate a part buffer"));
        return stop_reading();
      }
    }
    core::Buffer &buf = filling_->buf;
    bool eof = false;
    while (buf.size() < buf.capacity()) {
      if (st_->stopping()) {
        filling_.reset();
        return stop_reading();
      }
      if (st_->yield_requested()) return post_read();  // continue in the next wait
      size_t room = buf.capacity() - buf.size();
      int64_t n = read_(buf.data() + buf.size(), room);
      if (n < 0 || uint64_t(n) > room) {
        filling_.reset();
        st_->fail(core::Error(core::Code::Io, n < 0
                                                  ? "the read callback failed"
                                                  : "the read callback returned more than asked"));
        return stop_reading();
      }
      if (n == 0) {
        eof = true;
        break;
      }
      if (filling_->sums) filling_->sums->update(buf.data() + buf.size(), size_t(n));
      buf.set_size(buf.size() + size_t(n));
    }
    on_filled(std::move(filling_), eof);
  }

  bool crc_while_reading() const {
    const s3::ChecksumAlgorithm a = alg_;
    bool crc = a == s3::ChecksumAlgorithm::Crc32 || a == s3::ChecksumAlgorithm::Crc32c ||
               a == s3::ChecksumAlgorithm::Crc64Nvme;
    return crc && !sign_payload() && !eng_.config().content_md5;
  }

  // Part buffers are reused rather than freed and allocated again: a fresh 8 MiB buffer is
  // fresh pages, and faulting them in (zeroed by the kernel) cost a tenth of a stream
  // upload's CPU. The pool holds only buffers no part uses, so parts in memory plus pooled
  // buffers stay within max_in_memory_upload_chunks.
  core::Buffer reuse_or_allocate(size_t cap) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      while (!pool_.empty()) {
        core::Buffer b = std::move(pool_.back());
        pool_.pop_back();
        if (b.capacity() == cap) {
          b.set_size(0);
          return b;
        }
      }  // a buffer of another size (the part size grew) is freed
    }
    return core::Buffer(cap);
  }

  void recycle(core::Buffer b) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!eof_ && !st_->stopping() &&
        in_memory_ + pool_.size() <= eng_.config().max_in_memory_upload_chunks)
      pool_.push_back(std::move(b));
  }

  void stop_reading() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      reading_ = false;
    }
    settle();
  }

  void on_filled(std::shared_ptr<StreamPart> part, bool eof) {
    const Config &cfg = eng_.config();
    std::vector<std::function<void()>> todo;
    bool again = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      total_read_ += part->buf.size();
      if (eof) st_->set_total(total_read_);
      bool keep = part->buf.size() > 0 || next_number_ == 1;
      if (keep) {
        part->number = next_number_++;
        in_memory_++;
      }
      if (!decided_) {
        if (keep) waiting_.push_back(part);
        if (eof && total_read_ < cfg.multipart_threshold) {
          decided_ = true;
          running_++;
          auto parts = std::move(waiting_);
          waiting_.clear();
          todo.push_back([this, parts] { single_put(parts); });
        } else if (eof || total_read_ >= cfg.multipart_threshold ||
                   in_memory_ >= cfg.max_in_memory_upload_chunks) {
          decided_ = multipart_ = true;
          running_++;
          todo.push_back([this] { create(); });
        }
      } else if (keep) {
        if (mp_ && mp_->created()) {
          running_++;
          todo.push_back([this, part] { upload_part(part); });
        } else {
          waiting_.push_back(part);
        }
      }
      if (eof) {
        eof_ = true;
        reading_ = false;
      } else if (in_memory_ < cfg.max_in_memory_upload_chunks) {
        again = true;
      } else {
        reading_ = false;  // a finished part starts the next read
      }
    }
    for (auto &t : todo) run_task(std::move(t));
    if (again) post_read();
    settle();
  }

  void single_put(std::vector<std::shared_ptr<StreamPart>> parts) {
    uint64_t size = 0;
    PayloadDigests d = digests();
    const s3::Checksum &sum = d.checksum();
    for (auto &p : parts) {
      size += p->buf.size();
      d.update(p->buf.data(), p->buf.size());
    }
    Call c;
    c.req = request("PUT");
    args_.apply(RequestKind::PutOrCreate, c.req);
    d.apply(c.req);
    c.http.body_size = size;
    if (size > 0) {
      c.http.read_body = [&parts](char *buf, size_t cap, uint64_t off) -> int64_t {
        for (auto &p : parts) {  // the body spans the parts read before the decision
          if (off < p->buf.size()) {
            size_t n = size_t(std::min<uint64_t>(cap, p->buf.size() - off));
            std::copy_n(p->buf.data() + off, n, buf);
            return int64_t(n);
          }
          off -= p->buf.size();
        }
        return -1;
      };
    }
    SentTracker tracker{st_.get()};
    c.http.on_sent = [&tracker](uint64_t s) { tracker(s); };
    http::Response r;
    core::Error e = commit_call(c, r);
    if (e) {
      st_->fail(e);
    } else {
      take_object_headers(r, single_result_);
      single_result_.size = size;
      single_result_.checksum = result_checksum(alg_, sum);
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      in_memory_ -= unsigned(parts.size());
      single_done_ = !e;
      running_--;
    }
    parts.clear();
    settle();
  }

  void create() {
    auto mp = std::make_unique<MultipartSession>(eng_, bucket_, key_, args_, alg_, false);
    core::Error e = mp->create(nullptr);
    if (e) st_->fail(e);
    std::vector<std::shared_ptr<StreamPart>> ready;
    {
      std::lock_guard<std::mutex> lk(mu_);
      mp_ = std::move(mp);
      if (!e) {
        ready.swap(waiting_);
        running_ += unsigned(ready.size());
      }
      running_--;
    }
    for (auto &p : ready) run_task([this, p] { upload_part(p); });
    settle();
  }

  void upload_part(std::shared_ptr<StreamPart> part) {
    core::Error e;
    if (st_->stopping()) {
      e = core::Error(core::Code::Cancelled, "cancelled");
    } else {
      if (!part->sums) {  // not computed while reading: now, over the whole part
        part->sums = std::make_unique<PayloadDigests>(digests());
        part->sums->update(part->buf.data(), part->buf.size());
      }
      PayloadDigests &d = *part->sums;
      const s3::Checksum &sum = d.checksum();
      Call c;
      c.req = mp_->part_request(part->number);
      d.apply(c.req);
      c.http.body_size = part->buf.size();
      c.http.read_body = memory_body(part->buf.data(), part->buf.size());
      SentTracker tracker{st_.get()};
      c.http.on_sent = [&tracker](uint64_t s) { tracker(s); };
      http::Response r;
      e = call(c, r);
      if (!e) {
        std::string etag = r.header("etag");
        if (etag.empty()) {
          e = core::Error(core::Code::Service, "UploadPart: the answer has no ETag");
        } else {
          mp_->add_part(part->number, etag, sum.raw(), sum.crc(), part->buf.size());
        }
      }
      if (e) st_->fail(e);
    }
    recycle(std::move(part->buf));  // free (or pooled) before the next read starts
    part.reset();
    bool read_more = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      in_memory_--;
      running_--;
      if (!e && !reading_ && !eof_ && !st_->stopping()) reading_ = read_more = true;
    }
    if (read_more) post_read();
    settle();
  }

  // Decides, once nothing runs, whether the transfer completes, aborts or finishes.
  void settle() {
    enum { kNothing, kFinish, kAbort, kComplete } next = kNothing;
    core::Result single;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (finishing_ || running_ > 0 || reading_) return;
      if (st_->stopping()) {
        next = mp_ && mp_->created() ? kAbort : kFinish;
      } else if (single_done_) {
        next = kFinish;
        single = single_result_;
      } else if (eof_ && multipart_ && mp_ && mp_->created() && waiting_.empty()) {
        next = kComplete;
      } else {
        return;
      }
      finishing_ = true;
    }
    switch (next) {
      case kFinish:
        st_->finish(std::move(single));
        break;
      case kAbort:
        run_task([this] {
          mp_->abort();
          st_->finish(core::Result());
        });
        break;
      case kComplete:
        run_task([this] {
          core::Result res;
          core::Error e = st_->begin_commit()
                              ? mp_->complete(st_->stop_flag(), res)
                              : core::Error(core::Code::Cancelled, "the transfer was cancelled");
          if (!e) return st_->finish(std::move(res));
          st_->fail(e);
          mp_->abort();
          st_->finish(core::Result());
        });
        break;
      default:
        break;
    }
  }

  ReadFn read_;
  s3::ChecksumAlgorithm alg_ = s3::ChecksumAlgorithm::None;
  std::mutex mu_;
  bool reading_ = false, eof_ = false, decided_ = false, multipart_ = false;
  bool single_done_ = false, finishing_ = false;
  int next_number_ = 1;
  uint64_t total_read_ = 0;
  unsigned in_memory_ = 0, running_ = 0;
  std::vector<std::shared_ptr<StreamPart>> waiting_;
  std::shared_ptr<StreamPart> filling_;  // the part being read; only the waiting thread uses it
  std::vector<core::Buffer> pool_;       // buffers of finished parts, for the next reads
  std::unique_ptr<MultipartSession> mp_;
  core::Result single_result_;
};

}  // namespace

std::shared_ptr<core::TransferState> start_upload_file(Engine &e, const std::string &path, Target t,
                                                       ExtraArgs args, core::ProgressFn progress,
                                                       core::Error *err, const ChildOf *child) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  adopt(*st, child);
  core::Error open_err;
  core::File f = core::File::open_read(path, &open_err);
  uint64_t size = 0;
  if (f.valid() && !f.regular_size(&size))
    open_err = core::Error(core::Code::Io, path + " is not a regular file");
  if (open_err) return failed(st, open_err);  // a local failure is the future's, like s3transfer's
  auto op =
      std::make_shared<FileUpload>(e, st, std::move(t), std::move(args), std::move(f), size, path);
  op->start();
  return st;
}

std::shared_ptr<core::TransferState> start_upload_stream(Engine &e, ReadFn read, Target t,
                                                         ExtraArgs args, core::ProgressFn progress,
                                                         core::Error *err) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  auto op = std::make_shared<StreamUpload>(e, st, std::move(t), std::move(args), std::move(read));
  op->start();
  return st;
}

}  // namespace xfer::transfer
