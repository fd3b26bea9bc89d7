// listing.cc: listings streamed a page at a time to the waiting thread, and deletes of every
// object under a prefix in DeleteObjects batches.
#include "transfer/listing.h"

#include "s3/crypto.h"
#include "transfer/op.h"
#include "transfer/ops.h"

namespace xfer::transfer {

core::Error fetch_list_page(Engine &eng, const std::atomic<bool> *cancel, const std::string &bucket,
                            const std::string &prefix, const std::string &delimiter,
                            const std::string &token, ListPage *out) {
  Call c;
  c.req.method = "GET";
  c.req.bucket = bucket;
  c.req.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", "1000"}};
  if (!prefix.empty()) c.req.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) c.req.query.emplace_back("delimiter", delimiter);
  if (!token.empty()) c.req.query.emplace_back("continuation-token", token);
  c.req.payload_hash = s3::kEmptySha256;
  http::Response r;
  core::Error e = eng.call(c, r, cancel);
  if (e) return e;
  auto parsed = s3::parse_list_objects_v2(r.body);
  if (!parsed)
    return core::Error(core::Code::Service, "ListObjectsV2: the answer is not a listing");
  out->objects = std::move(parsed->objects);
  out->prefixes = std::move(parsed->common_prefixes);
  out->truncated = parsed->is_truncated && !parsed->next_continuation_token.empty();
  out->next_token = parsed->next_continuation_token;
  return core::Error();
}

namespace {

class List final : public Op {
 public:
  List(Engine &e, std::shared_ptr<core::TransferState> st, std::string bucket, std::string prefix,
       std::string delimiter, ListFn fn)
      : Op(e, std::move(st), std::move(bucket), "", ExtraArgs()),
        prefix_(std::move(prefix)),
        delimiter_(std::move(delimiter)),
        fn_(std::move(fn)) {}

  void start() override {
    run_task([this] { fetch(""); });
  }

 private:
  void fetch(const std::string &token) {
    auto page = std::make_shared<ListPage>();
    core::Error e =
        fetch_list_page(eng_, st_->stop_flag(), bucket_, prefix_, delimiter_, token, page.get());
    if (e) {
      st_->fail(e);
      return st_->finish(core::Result());
    }
    auto self = std::static_pointer_cast<List>(shared_from_this());
    st_->post([self, page](bool cancelled) { self->deliver(*page, cancelled); });
  }

  // On the waiting thread: hands the page to the callback, then asks for the next one.
  void deliver(const ListPage &page, bool cancelled) {
    if (cancelled) return st_->finish(core::Result());
    for (auto &p : page.prefixes) {
      if (!emit(ObjectEntry{p, "", "", 0, true})) return;
    }
    for (auto &o : page.objects) {
      if (!emit(ObjectEntry{o.key, o.etag, o.last_modified, o.size, false})) return;
    }
    if (page.truncated) {
      std::string next = page.next_token;
      run_task([this, next] { fetch(next); });
      return;
    }
    core::Result r;
    r.size = count_;
    st_->finish(std::move(r));
  }

  bool emit(const ObjectEntry &entry) {
    count_++;
    if (fn_(entry) == 0) return true;
    st_->fail(core::Error(core::Code::Cancelled, "the listing was stopped by its callback"));
    st_->finish(core::Result());
    return false;
  }

  const std::string prefix_, delimiter_;
  ListFn fn_;
  uint64_t count_ = 0;  // only the waiting thread touches it
};

class DeletePrefix final : public Op {
 public:
  DeletePrefix(Engine &e, std::shared_ptr<core::TransferState> st, std::string bucket,
               std::string prefix)
      : Op(e, std::move(st), std::move(bucket), "", ExtraArgs()), prefix_(std::move(prefix)) {}

  void start() override {
    run_task([this] { run(); });
  }

 private:
  void run() {
    std::string token;
    uint64_t deleted = 0;
    core::Error first_failure;
    for (;;) {
      ListPage page;
      core::Error e = fetch_list_page(eng_, st_->stop_flag(), bucket_, prefix_, "", token, &page);
      if (e) return end(e, deleted);
      if (!page.objects.empty()) {
        e = delete_batch(page.objects, &deleted, &first_failure);
        if (e) return end(e, deleted);
      }
      if (!page.truncated) break;
      token = page.next_token;
    }
    if (first_failure) st_->fail(first_failure);
    end(core::Error(), deleted);
  }

  core::Error delete_batch(const std::vector<s3::ObjectEntry> &objects, uint64_t *deleted,
                           core::Error *first_failure) {
    std::vector<std::pair<std::string, std::string>> keys;
    for (auto &o : objects) keys.emplace_back(o.key, "");
    std::string body = s3::build_delete_objects(keys, true);
    Call c;
    c.req.method = "POST";
    c.req.bucket = bucket_;
    c.req.query.emplace_back("delete", "");
    c.req.headers.emplace_back("Content-Type", "application/xml");
    c.req.headers.emplace_back("Content-MD5", s3::base64_encode(s3::md5_raw(body)));  // required
    c.req.payload_hash = s3::sha256_hex(body);
    c.http.body_size = body.size();
    c.http.read_body = memory_body(reinterpret_cast<const uint8_t *>(body.data()), body.size());
    c.error_body_on_200 = true;
    http::Response r;
    core::Error e = call(c, r);
    if (e) return e;
    auto parsed = s3::parse_delete_objects(r.body);
    if (!parsed)
      return core::Error(core::Code::Service, "DeleteObjects: the answer is not a result");
    for (auto &failure : parsed->errors) {
      // The key's own code and message, with the id of the request that carried them.
      core::Error item(core::Code::Service, failure.second.code + ": " + failure.second.message);
      item.service_code = failure.second.code;
      item.request_id = r.header("x-amz-request-id");
      st_->add_failure(failure.first, item);
      if (!*first_failure) {
        *first_failure = item;
        first_failure->message = "DeleteObjects refused " + failure.first + ": " + item.message;
      }
    }
    *deleted += keys.size() - parsed->errors.size();
    st_->add_progress(keys.size());
    return core::Error();
  }

  // Ends with e (if any); the objects deleted before it stay counted.
  void end(const core::Error &e, uint64_t deleted) {
    if (e) st_->fail(e);
    core::Result r;
    r.size = r.items = deleted;
    r.many = true;
    st_->finish(std::move(r));
  }

  const std::string prefix_;
};

}  // namespace

std::shared_ptr<core::TransferState> start_list(Engine &e, const std::string &bucket,
                                                const std::string &prefix,
                                                const std::string &delimiter, ListFn fn,
                                                core::Error *err) {
  auto st = new_state(e, nullptr, err);
  if (!st) return nullptr;
  std::make_shared<List>(e, st, bucket, prefix, delimiter, std::move(fn))->start();
  return st;
}

std::shared_ptr<core::TransferState> start_delete_prefix(Engine &e, const std::string &bucket,
                                                         const std::string &prefix,
                                                         core::Error *err) {
  auto st = new_state(e, nullptr, err);
  if (!st) return nullptr;
  std::make_shared<DeletePrefix>(e, st, bucket, prefix)->start();
  return st;
}

}  // namespace xfer::transfer
