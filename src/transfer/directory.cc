// directory.cc: transfers of many files: a folder walked as it uploads, a prefix listed page by
// page as it downloads; files move in parallel up to a bound, as child transfers whose progress
// adds up in the parent's future and whose failures are listed there.
#include <fnmatch.h>

#include <filesystem>
#include <set>

#include "transfer/content_type.h"
#include "transfer/listing.h"
#include "transfer/op.h"
#include "transfer/ops.h"

namespace xfer::transfer {

namespace fs = std::filesystem;

bool DirOptions::included(const std::string &relative) const {
  bool in = true;
  for (auto &f : filters)  // the AWS CLI's rule: in order, the last filter that matches decides
    if (fnmatch(f.first.c_str(), relative.c_str(), 0) == 0) in = f.second;
  return in;
}

namespace {

// What both directions share: the bound on files in flight, the children, the tally.
class Many : public Op {
 public:
  Many(Engine &e, std::shared_ptr<core::TransferState> st, std::string bucket, std::string prefix,
       ExtraArgs a, DirOptions opts)
      : Op(e, std::move(st), std::move(bucket), std::move(prefix), std::move(a)),
        opts_(std::move(opts)) {
    if (opts_.max_in_flight == 0) opts_.max_in_flight = e.config().max_concurrency;
  }

  void start() override {
    auto self = std::static_pointer_cast<Many>(shared_from_this());
    st_->set_on_stop([self] { self->cancel_children(); });
    run_task([this] { pump(); });
  }

 protected:
  // Starts what can start now; false when no more will come (walk or listing over).
  virtual bool next_child() = 0;

  // Runs the walk forward while there is room; safe from any thread, never re-entered.
  void pump() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (pumping_) {
        again_ = true;
        return;
      }
      pumping_ = true;
    }
    for (;;) {
      bool more = true;
      for (;;) {
        {
          std::lock_guard<std::mutex> lk(mu_);
          if (st_->stopping() || done_walking_ || in_flight_ >= opts_.max_in_flight) break;
        }
        more = next_child();
        if (!more) break;
      }
      std::lock_guard<std::mutex> lk(mu_);
      if (!more || st_->stopping()) {
        if (!done_walking_ && !more) st_->set_total(planned_);  // every file is known now
        done_walking_ = true;
      }
      if (!again_) {
        pumping_ = false;
        break;
      }
      again_ = false;
    }
    settle();
  }

  // A child's state, and whether it ended before start() returned it (a file that fails to
  // open ends inside start itself).
  struct Slot {
    std::shared_ptr<core::TransferState> st;
    bool ended = false;
  };

  // Starts one child transfer through start(child hooks); counts it in flight.
  void launch(const std::string &name,
              const std::function<std::shared_ptr<core::TransferState>(const ChildOf &,
                                                                       core::Error *)> &start) {
    auto slot = std::make_shared<Slot>();
    auto self = std::static_pointer_cast<Many>(shared_from_this());
    ChildOf child{st_, [self, slot, name] { self->child_ended(name, slot); }};
    {
      std::lock_guard<std::mutex> lk(mu_);
      in_flight_++;
    }
    core::Error err;
    auto st = start(child, &err);
    if (!st) {
      record_failure(name, err);
      std::lock_guard<std::mutex> lk(mu_);
      in_flight_--;
      return;
    }
    bool ended;
    {
      std::lock_guard<std::mutex> lk(mu_);
      slot->st = st;
      ended = slot->ended;
      if (!ended) children_.insert(st);
    }
    if (ended) complete(name, st);
  }

  void record_failure(const std::string &name, const core::Error &e) {
    st_->add_failure(name, e);
    std::lock_guard<std::mutex> lk(mu_);
    failures_++;
    if (!first_failure_) first_failure_ = e;
  }

  void child_ended(const std::string &name, const std::shared_ptr<Slot> &slot) {
    std::shared_ptr<core::TransferState> st;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!slot->st) {
        slot->ended = true;  // launch() completes it once start() returns
        return;
      }
      st = slot->st;
    }
    complete(name, st);
  }

  void complete(const std::string &name, const std::shared_ptr<core::TransferState> &st) {
    core::Error e = st->error();
    if (e) {
      record_failure(name, e);
    } else {
      std::lock_guard<std::mutex> lk(mu_);
      bytes_ += st->result().size;
      files_++;
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      children_.erase(st);
      in_flight_--;
    }
    run_task([this] { pump(); });
  }

  void cancel_children() {
    std::set<std::shared_ptr<core::TransferState>> running;
    {
      std::lock_guard<std::mutex> lk(mu_);
      running = children_;
    }
    for (auto &c : running) c->cancel();
  }

  void settle() {
    core::Result r;
    core::Error failure;
    size_t failures;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (finished_ || !done_walking_ || in_flight_ > 0 || pumping_) return;
      finished_ = true;
      r.size = bytes_;
      r.items = files_;
      r.many = true;
      failure = first_failure_;
      failures = failures_;
    }
    if (failure) {
      failure.message = std::to_string(failures) + (failures == 1 ? " file" : " files") +
                        " failed; the first: " + st_->failures().front().first + ": " +
                        failure.message;
      st_->fail(failure);
    }
    st_->finish(std::move(r));
  }

  DirOptions opts_;
  std::mutex mu_;
  bool pumping_ = false, again_ = false, done_walking_ = false, finished_ = false;
  uint32_t in_flight_ = 0;
  uint64_t bytes_ = 0, files_ = 0;
  uint64_t planned_ = 0;  // bytes of the files started so far (the total, once the walk ends)
  size_t failures_ = 0;
  core::Error first_failure_;
  std::set<std::shared_ptr<core::TransferState>> children_;
};

class DirUpload final : public Many {
 public:
  DirUpload(Engine &e, std::shared_ptr<core::TransferState> st, std::string dir, Target t,
            ExtraArgs a, DirOptions o)
      : Many(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a), std::move(o)),
        dir_(std::move(dir)) {}

 private:
  bool next_child() override {
    std::error_code ec;
    if (!opened_) {
      opened_ = true;
      it_ =
          fs::recursive_directory_iterator(dir_, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        record_failure(dir_,
                       core::Error(core::Code::Io, "cannot read " + dir_ + ": " + ec.message()));
        return false;
      }
    }
    for (; it_ != fs::recursive_directory_iterator(); it_.increment(ec)) {
      if (ec) {
        record_failure(dir_, core::Error(core::Code::Io, "walking " + dir_ + ": " + ec.message()));
        return false;
      }
      const fs::directory_entry &entry = *it_;
      if (!entry.is_regular_file(ec)) continue;
      std::string rel = entry.path().lexically_relative(dir_).generic_string();
      if (!opts_.included(rel)) continue;
      std::string path = entry.path().string();
      uint64_t size = entry.file_size(ec);
      if (!ec) {
        std::lock_guard<std::mutex> lk(mu_);
        planned_ += size;
      }
      ec.clear();
      it_.increment(ec);
      std::string key = key_ + rel;
      launch(rel, [&](const ChildOf &child, core::Error *err) {
        return start_upload_file(eng_, path, {bucket_, key}, args_for(path), nullptr, err, &child);
      });
      if (ec) return false;
      return true;
    }
    return false;
  }

  // The arguments of one file: the transfer's, with a Content-Type guessed from the file's
  // name when asked and none was given.
  ExtraArgs args_for(const std::string &path) const {
    ExtraArgs a = args_;
    const char *type =
        opts_.guess_content_type && !a.get("ContentType") ? guess_content_type(path) : nullptr;
    std::string why;
    if (type) a.set("ContentType", type, &why);  // a known name: cannot fail
    return a;
  }

  const std::string dir_;
  bool opened_ = false;
  fs::recursive_directory_iterator it_;
};

class DirDownload final : public Many {
 public:
  DirDownload(Engine &e, std::shared_ptr<core::TransferState> st, Target t, std::string dir,
              ExtraArgs a, DirOptions o)
      : Many(e, std::move(st), std::move(t.bucket), std::move(t.key), std::move(a), std::move(o)),
        dir_(std::move(dir)) {}

 private:
  bool next_child() override {
    while (index_ >= page_.objects.size()) {
      if (listed_all_) return false;
      // The next page; memory holds one page of keys at a time.
      ListPage next;
      core::Error e = fetch_list_page(eng_, st_->stop_flag(), bucket_, key_, "", token_, &next);
      if (e) {
        st_->fail(e);
        return false;
      }
      page_ = std::move(next);
      index_ = 0;
      token_ = page_.next_token;
      listed_all_ = !page_.truncated;
    }
    const s3::ObjectEntry &o = page_.objects[index_++];
    std::string rel = o.key.substr(std::min(o.key.size(), key_.size()));
    if (rel.empty() || rel.back() == '/') return true;  // folder markers
    if (!opts_.included(rel)) return true;
    fs::path relp(rel);
    for (auto &part : relp) {
      if (part == ".." || relp.is_absolute()) {
        record_failure(o.key, core::Error(core::Code::Io, "the key would leave the target folder"));
        return true;
      }
    }
    fs::path target = fs::path(dir_) / relp;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      record_failure(o.key,
                     core::Error(core::Code::Io, "cannot create " + target.parent_path().string() +
                                                     ": " + ec.message()));
      return true;
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      planned_ += o.size;
    }
    std::string key = o.key, path = target.string();
    launch(key, [&](const ChildOf &child, core::Error *err) {
      return start_download_file(eng_, {bucket_, key}, path, args_, nullptr, err, &child);
    });
    return true;
  }

  const std::string dir_;
  ListPage page_;
  size_t index_ = 0;
  std::string token_;
  bool listed_all_ = false;
};

}  // namespace

std::shared_ptr<core::TransferState> start_upload_directory(Engine &e, const std::string &dir,
                                                            Target prefix, ExtraArgs args,
                                                            DirOptions opts,
                                                            core::ProgressFn progress,
                                                            core::Error *err) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  std::make_shared<DirUpload>(e, st, dir, std::move(prefix), std::move(args), std::move(opts))
      ->start();
  return st;
}

std::shared_ptr<core::TransferState> start_download_directory(Engine &e, Target prefix,
                                                              const std::string &dir,
                                                              ExtraArgs args, DirOptions opts,
                                                              core::ProgressFn progress,
                                                              core::Error *err) {
  auto st = new_state(e, std::move(progress), err);
  if (!st) return nullptr;
  std::make_shared<DirDownload>(e, st, std::move(prefix), dir, std::move(args), std::move(opts))
      ->start();
  return st;
}

}  // namespace xfer::transfer
