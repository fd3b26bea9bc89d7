// download.cc: downloads to a file (ranges written with pwrite into a temporary file, renamed
// on success) and to a write callback (ranges reordered in a bounded window, delivered in
// order on the waiting thread). The size comes from the first ranged GET: no HEAD.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/buffer.h"
#include "core/file.h"
#include "http/parse.h"
#include "s3/request.h"
#include "s3/xml.h"
#include "transfer/op.h"
#include "transfer/ops.h"

namespace xfer::transfer {

namespace {

struct ObjectInfo {
  bool known = false;
  uint64_t size = 0;
  std::string etag, version_id;
  // A whole-object checksum the server sent (x-amz-checksum-*, FULL_OBJECT or a response
  // covering the object): checked when the last byte is in.
  s3::ChecksumAlgorithm full_alg = s3::ChecksumAlgorithm::None;
  std::string full_value;
};

const s3::ChecksumAlgorithm kAlgorithms[] = {
    s3::ChecksumAlgorithm::Crc64Nvme, s3::ChecksumAlgorithm::Crc32c, s3::ChecksumAlgorithm::Crc32,
    s3::ChecksumAlgorithm::Sha256, s3::ChecksumAlgorithm::Sha1};

// The checksum header of an answer, if any. A composite value ("...-N") checks nothing we can
// recompute from one range: it is skipped.
std::pair<s3::ChecksumAlgorithm, std::string> answer_checksum(
    const std::map<std::string, std::string> &h) {
  for (auto alg : kAlgorithms) {
    auto it = h.find(s3::checksum_header(alg));
    if (it != h.end() && !it->second.empty() && it->second.find('-') == std::string::npos)
      return {alg, it->second};
  }
  return {s3::ChecksumAlgorithm::None, ""};
}

core::Error checksum_error(const char *what, const std::string &expected, const std::string &got) {
  return core::Error(core::Code::Checksum, std::string("GET: the ") + what +
                                               " checksum does not match: the server says " +
                                               expected + ", the bytes received give " + got);
}

// Where range bytes go: (data, len, absolute offset) -> false on failure.
using Sink = std::function<bool(const char *, size_t, uint64_t)>;
constexpr size_t kWriteChunk = 256 * 1024;

class Download : public Op {
 public:
  using Op::Op;

 protected:
  // Size of the first request's range: the whole object below the threshold in one GET.
  uint64_t first_span() const {
    const Config &c = eng_.config();
    return std::max(c.multipart_chunksize, c.multipart_threshold);
  }

  // GETs bytes [start, start+len) (len unknown for the first request: span bytes asked), with
  // retries that resume after the bytes already received, so no byte is written twice.
  core::Error get_range(uint64_t start, uint64_t span, bool first, const Sink &sink,
                        ObjectInfo *info) {
    uint64_t received = 0;
    uint64_t expected = first ? UINT64_MAX : span;
    core::Error header_error;
    bool empty_object = false;        // learnt from the headers; the body (if any) is not wanted
    std::optional<s3::Checksum> sum;  // of this range's bytes, when there is something to check
    s3::ChecksumAlgorithm range_alg = s3::ChecksumAlgorithm::None;
    std::string range_value;
    Call c;
    c.max_attempts = eng_.config().num_download_attempts;
    c.before_attempt = [&](Call &call) {
      call.req = request("GET");
      args_.apply(RequestKind::Get, call.req);
      call.req.payload_hash = s3::kEmptySha256;
      uint64_t from = start + received;
      uint64_t to = start + (first && !info->known ? span : expected) - 1;
      call.req.headers.emplace_back("Range",
                                    "bytes=" + std::to_string(from) + "-" + std::to_string(to));
      if (info->known && !info->etag.empty()) call.req.headers.emplace_back("If-Match", info->etag);
      if (checksum_algorithm() != s3::ChecksumAlgorithm::None && !args_.get("ChecksumMode"))
        call.req.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
    };
    c.http.on_headers = [&](int status, const std::map<std::string, std::string> &h) {
      auto get = [&](const char *n) {
        auto it = h.find(n);
        return it == h.end() ? std::string() : it->second;
      };
      if (status == 416 && first && !info->known && received == 0) {
        info->known = true;  // an empty object answers any range with InvalidRange
        info->size = 0;
        expected = 0;
        empty_object = true;
        return false;
      }
      if (status < 200 || status >= 300) return true;  // the engine reports it
      uint64_t a = 0, b = 0, total = 0;
      if (status == 206) {
        if (!http::parse_content_range(get("content-range"), &a, &b, &total)) {
          header_error = core::Error(core::Code::Service,
                                     "GET: bad Content-Range '" + get("content-range") + "'");
          return false;
        }
        if (total == 0 && first && !info->known) {
          info->known = true;
          info->size = 0;
          expected = 0;
          empty_object = true;
          return false;
        }
      } else {  // 200: the server sent the whole object
        uint64_t len = 0;
        if (!http::parse_u64(get("content-length"), &len) || received != 0 || start != 0) {
          header_error =
              core::Error(core::Code::Service, "GET: the server ignored the Range header");
          return false;
        }
        a = 0;
        total = len;
        b = len ? len - 1 : 0;
        if (len == 0) {
          info->known = true;
          info->size = 0;
          expected = 0;
          return true;
        }
      }
      if (!info->known) {
        info->known = true;
        info->size = total;
        info->etag = get("etag");
        std::string v = get("x-amz-version-id");
        if (v != "null") info->version_id = v;
      } else {
        // If-Match alone is not enough: a server that ignores it (s3rver) serves the bytes of
        // an object replaced by one of the same size. The answer's ETag tells.
        std::string etag = get("etag");
        if (!etag.empty() && !info->etag.empty() &&
            s3::normalize_etag(etag) != s3::normalize_etag(info->etag)) {
          header_error = core::Error(core::Code::Service,
                                     "GET: the object changed during the download (ETag " + etag +
                                         ", was " + info->etag + ")");
          return false;
        }
        if (total != info->size) {
          header_error =
              core::Error(core::Code::Service, "GET: the object changed size during the download");
          return false;
        }
      }
      if (first && expected == UINT64_MAX) expected = std::min(span, total - start);
      uint64_t want_end = start + expected - 1;
      if (a != start + received || b != want_end) {
        header_error =
            core::Error(core::Code::Service, "GET: Content-Range does not match the range asked");
        return false;
      }
      auto [alg, value] = answer_checksum(h);
      bool whole = a == 0 && b + 1 == total;
      auto type = h.find("x-amz-checksum-type");
      bool full_object = whole || (type != h.end() && type->second == "FULL_OBJECT");
      if (alg != s3::ChecksumAlgorithm::None && full_object && first && received == 0) {
        info->full_alg = alg;
        info->full_value = value;
      } else if (alg != s3::ChecksumAlgorithm::None && !full_object && range_value.empty()) {
        range_alg = alg;  // a part-level checksum for exactly this range
        range_value = value;
      }
      // Every range feeds the whole-object CRC (combined at the end); a SHA can only be
      // checked when one answer carries the whole object.
      s3::ChecksumAlgorithm feed = !range_value.empty() ? range_alg : info->full_alg;
      if (!sum && feed != s3::ChecksumAlgorithm::None) sum.emplace(feed);
      return true;
    };
    c.http.on_body = [&](const char *data, size_t len) {
      if (received + len > expected) return false;
      if (!sink(data, len, start + received)) return false;
      if (sum) sum->update(data, len);
      received += len;
      st_->add_progress(len);
      return true;
    };
    http::Response r;
    core::Error e = call(c, r);
    if (empty_object) return core::Error();
    if (header_error) return header_error;
    if (e) {
      if (e.http_status == 412)
        e.message = "GET: the object changed during the download (ETag did not match)";
      return e;
    }
    if (!info->known) return core::Error(core::Code::Service, "GET: the answer had no size");
    if (received != expected)
      return core::Error(core::Code::Network, "GET: the body was truncated");
    if (sum && !range_value.empty()) {
      if (sum->base64() != range_value) return checksum_error("part", range_value, sum->base64());
    } else if (sum && sum->algorithm() == info->full_alg) {
      if (start == 0 && received == info->size) {  // this answer was the whole object
        if (sum->base64() != info->full_value)
          return checksum_error("object", info->full_value, sum->base64());
        verified_ = true;
      } else if (s3::checksum_is_crc(info->full_alg)) {
        std::lock_guard<std::mutex> lk(sums_mu_);
        range_crcs_[start] = {sum->crc(), received};
      }
    }
    return core::Error();
  }

  // After the last range: the whole-object CRC from the ranges' CRCs, combined in order.
  core::Error verify_object(const ObjectInfo &info) {
    if (info.full_alg == s3::ChecksumAlgorithm::None || verified_) return core::Error();
    if (!s3::checksum_is_crc(info.full_alg)) return core::Error();  // SHA over ranges: no
    std::vector<std::pair<uint64_t, uint64_t>> parts;
    {
      std::lock_guard<std::mutex> lk(sums_mu_);
      for (auto &kv : range_crcs_) parts.push_back(kv.second);
    }
    std::string got = s3::full_object_crc_base64(info.full_alg, parts);
    if (got != info.full_value) return checksum_error("object", info.full_value, got);
    verified_ = true;
    return core::Error();
  }

  std::vector<std::pair<uint64_t, uint64_t>> later_ranges(uint64_t size) const {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    uint64_t chunk = std::max<uint64_t>(1, eng_.config().multipart_chunksize);
    for (uint64_t off = first_span(); off < size; off += chunk)
      out.emplace_back(off, std::min(chunk, size - off));
    return out;
  }

  core::Result result_of(const ObjectInfo &info) const {
    core::Result r;
    r.size = info.size;
    if (verified_) r.checksum = s3::format_checksum_result(info.full_alg, info.full_value);
    r.etag = info.etag.empty() ? "" : s3::normalize_etag(info.etag);
    r.version_id = info.version_id;
    return r;
  }

  ObjectInfo info_;
  std::mutex sums_mu_;
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> range_crcs_;  // start -> (crc, length)
  std::atomic<bool> verified_{false};
};

class FileDownload final : public Download {
 public:
  FileDownload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, ExtraArgs a,
               std::string path)
      : Download(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a)),
        path_(std::move(path)) {}

  void start() override {
    run_task([this] { first(); });
  }

 private:
  std::mutex write_mu_;

  bool write_at(const char *d, size_t n, uint64_t off) {
    {
      // One writer at a time: the kernel takes the file's inode lock for every write anyway,
      // and ten range writers contending for it there spin (a third of a download's CPU
      // went to rwsem spinning); here the waiting ones sleep.
      std::lock_guard<std::mutex> wl(write_mu_);
      if (tmp_.file().pwrite_full(d, n, off)) return true;
    }
    std::lock_guard<std::mutex> lk(mu_);
    if (write_error_.ok())
      write_error_ = core::Error(core::Code::Io,
                                 "cannot write " + tmp_.path() + ": " + core::errno_text(errno));
    return false;
  }

  // Gathers a range's bytes into writes of up to kWriteChunk (s3transfer's io_chunksize): a
  // server that trickles hands libcurl a few KiB at a time, and a pwrite per piece (each
  // taking the file lock) cost CPU. The buffer is the worker thread's own, reused.
  class RangeWriter {
   public:
    explicit RangeWriter(FileDownload &d) : d_(d) {}
    bool operator()(const char *p, size_t n, uint64_t off) {
      std::vector<char> &buf = buffer();
      if (len_ > 0 && off != start_ + len_ && !flush()) return false;
      while (n > 0) {
        if (len_ == 0) start_ = off;
        size_t k = std::min(n, buf.size() - len_);
        std::copy_n(p, k, buf.data() + len_);
        len_ += k;
        p += k;
        off += k;
        n -= k;
        if (len_ == buf.size() && !flush()) return false;
      }
      return true;
    }
    bool flush() {
      if (len_ == 0) return true;
      size_t n = len_;
      len_ = 0;
      return d_.write_at(buffer().data(), n, start_);
    }

   private:
    static std::vector<char> &buffer() {
      thread_local std::vector<char> buf(kWriteChunk);
      return buf;
    }
    FileDownload &d_;
    uint64_t start_ = 0;
    size_t len_ = 0;
  };

  // GETs a range into the file, its last bytes written before it returns.
  core::Error get_range_to_file(uint64_t start, uint64_t span, bool first, ObjectInfo *info) {
    RangeWriter w(*this);
    core::Error e = get_range(start, span, first, std::ref(w), info);
    if (!w.flush() && !e) e = core::Error(core::Code::Io, "cannot write " + tmp_.path());
    return e;
  }

  core::Error local_error(core::Error e) {
    std::lock_guard<std::mutex> lk(mu_);
    return write_error_ ? write_error_ : e;
  }

  void first() {
    core::Error e = tmp_.create(path_);
    if (!e) e = get_range_to_file(0, first_span(), true, &info_);
    if (e) return end(local_error(e));
    st_->set_total(info_.size);
    auto ranges = later_ranges(info_.size);
    if (ranges.empty()) return end(core::Error());
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = ranges.size();
    }
    for (auto &rg : ranges) {
      run_task([this, rg] {
        if (!st_->stopping()) {
          ObjectInfo info = info_;
          core::Error err = get_range_to_file(rg.first, rg.second, false, &info);
          if (err) st_->fail(local_error(err));
        }
        bool last;
        {
          std::lock_guard<std::mutex> lk(mu_);
          last = --running_ == 0;
        }
        if (last) end(core::Error());
      });
    }
  }

  void end(core::Error e) {
    if (!e && !st_->stopping()) e = verify_object(info_);
    if (e) st_->fail(e);
    if (!st_->begin_commit()) {  // past it, the rename replaces the target: cancels wait
      tmp_.discard();
      st_->finish(core::Result());
      return;
    }
    e = tmp_.commit();
    if (e) {
      st_->fail(e);
      st_->finish(core::Result());
      return;
    }
    st_->finish(result_of(info_));
  }

  const std::string path_;
  core::TempFile tmp_;
  std::mutex mu_;
  size_t running_ = 0;
  core::Error write_error_;
};

class StreamDownload final : public Download {
 public:
  StreamDownload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, ExtraArgs a,
                 WriteFn w)
      : Download(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a)),
        write_(std::move(w)) {}

  void start() override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = 1;
      in_memory_ = 1;
    }
    run_task([this] { first(); });
  }

 private:
  static Sink buffer_sink(core::Buffer &buf, uint64_t base) {
    return [&buf, base](const char *d, size_t n, uint64_t off) {
      uint64_t at = off - base;
      if (at + n > buf.capacity()) return false;
      std::copy_n(d, n, buf.data() + at);
      buf.set_size(std::max<size_t>(buf.size(), size_t(at + n)));
      return true;
    };
  }

  void first() {
    core::Buffer buf;
    core::Error e;
    try {
      buf = core::Buffer(size_t(first_span()));
    } catch (const std::bad_alloc &) {
      e = core::Error(core::Code::NoMem, "cannot allocate a range buffer");
    }
    if (!e) e = get_range(0, first_span(), true, buffer_sink(buf, 0), &info_);
    if (e) st_->fail(e);
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!e) {
        st_->set_total(info_.size);
        ranges_ = later_ranges(info_.size);
        ready_[0] = std::move(buf);
        offsets_.push_back(0);
        for (auto &rg : ranges_) offsets_.push_back(rg.first);
        total_pieces_ = offsets_.size();
      }
      running_--;
    }
    fill_window();
    settle();
  }

  // Starts ranges while the window has room.
  void fill_window() {
    std::vector<size_t> start;
    {
      std::lock_guard<std::mutex> lk(mu_);
      while (!st_->stopping() && next_range_ < ranges_.size() &&
             in_memory_ < eng_.config().max_in_memory_download_chunks) {
        start.push_back(next_range_++);
        in_memory_++;
        running_++;
      }
    }
    for (size_t i : start) run_task([this, i] { fetch(i); });
  }

  void fetch(size_t i) {
    auto rg = ranges_[i];
    core::Buffer buf;
    core::Error e;
    if (!st_->stopping()) {
      try {
        buf = core::Buffer(size_t(rg.second));
        ObjectInfo info = info_;
        e = get_range(rg.first, rg.second, false, buffer_sink(buf, rg.first), &info);
      } catch (const std::bad_alloc &) {
        e = core::Error(core::Code::NoMem, "cannot allocate a range buffer");
      }
      if (e) st_->fail(e);
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!e && !st_->stopping()) ready_[i + 1] = std::move(buf);
      running_--;
    }
    settle();
  }

  // Decides what comes next once something changed: deliver, finish, or wait.
  void settle() {
    bool deliver_now = false, finish_now = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (finished_) return;
      if (st_->stopping()) {
        finish_now = running_ == 0 && !delivering_;
      } else if (total_pieces_ > 0 && next_deliver_ == total_pieces_) {
        finish_now = running_ == 0 && !delivering_;
      } else if (!delivering_ && ready_.count(next_deliver_)) {
        delivering_ = deliver_now = true;
      }
      if (finish_now) finished_ = true;
    }
    if (finish_now) {
      if (!st_->stopping()) {
        core::Error e = verify_object(info_);
        if (e) st_->fail(e);
      }
      st_->finish(st_->stopping() ? core::Result() : result_of(info_));
    } else if (deliver_now) {
      auto self = std::static_pointer_cast<StreamDownload>(shared_from_this());
      st_->post([self](bool cancelled) { self->deliver(cancelled); });
    }
  }

  // On the waiting thread: hands every buffered range that is next in order to the writer.
  void deliver(bool cancelled) {
    while (!cancelled && !st_->stopping()) {
      core::Buffer buf;
      uint64_t off = 0;
      {
        std::lock_guard<std::mutex> lk(mu_);
        auto it = ready_.find(next_deliver_);
        if (it == ready_.end()) break;
        buf = std::move(it->second);
        ready_.erase(it);
        off = offsets_[next_deliver_];
      }
      if (buf.size() > 0 && write_(buf.data(), buf.size(), off) != 0)
        st_->fail(core::Error(core::Code::Io, "the write callback failed"));
      std::lock_guard<std::mutex> lk(mu_);
      next_deliver_++;
      in_memory_--;
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      delivering_ = false;
    }
    fill_window();
    settle();
  }

  WriteFn write_;
  std::mutex mu_;
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;  // after the first piece
  std::vector<uint64_t> offsets_;                      // of every piece, first included
  std::map<size_t, core::Buffer> ready_;               // piece index -> bytes not yet written
  size_t total_pieces_ = 0, next_range_ = 0, next_deliver_ = 0;
  unsigned in_memory_ = 0, running_ = 0;
  bool delivering_ = false, finished_ = false;
};

}  // namespace

std::shared_ptr<core::TransferState> start_download_file(Engine &e, Target t,
                                                         const std::string &path, ExtraArgs args,
                                                         core::ProgressFn progress,
                                                         core::Error *err, const ChildOf *child) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  adopt(*st, child);
  auto op = std::make_shared<FileDownload>(e, st, std::move(t), std::move(args), path);
  op->start();
  return st;
}

std::shared_ptr<core::TransferState> start_download_stream(Engine &e, Target t, WriteFn write,
                                                           ExtraArgs args,
                                                           core::ProgressFn progress,
                                                           core::Error *err) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  auto op =
      std::make_shared<StreamDownload>(e, st, std::move(t), std::move(args), std::move(write));
  op->start();
  return st;
}

}  // namespace xfer::transfer
