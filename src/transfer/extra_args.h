// extra_args.h: boto3-style ExtraArgs: the allowed names per operation and the headers or
// query parameters each one becomes on each kind of request.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "s3/request.h"

namespace xfer::transfer {

// What a transfer is, for deciding which names it accepts.
enum class Operation { Upload, Download, Copy, Delete };
// Which request of a transfer the arguments are applied to.
enum class RequestKind {
  PutOrCreate,
  UploadPart,
  Complete,
  Get,
  CopyOrCreate,
  UploadPartCopy,
  Delete,
  Head,
  CopySourceHead  // HEAD of a copy's source: its CopySourceSSECustomer* as SSE-C headers
};

class ExtraArgs {
 public:
  // False with *why naming the valid names when name is unknown.
  bool set(const std::string &name, const std::string &value, std::string *why);
  void set_metadata(const std::string &key, const std::string &value);
  // False with *why when a name does not belong to op.
  bool validate(Operation op, std::string *why) const;
  // Adds the headers and query parameters for one request.
  void apply(RequestKind kind, s3::S3Request &req) const;
  std::optional<std::string> get(const std::string &name) const;
  bool has_metadata() const { return !metadata_.empty(); }
  // These arguments without the ones that describe the object (ContentType and the other
  // content headers, Expires, Metadata): what a multipart copy keeping the source's sends.
  ExtraArgs without_object_headers() const;

  static std::string valid_names();

 private:
  std::vector<std::pair<std::string, std::string>> values_;  // in the order set; later wins
  std::vector<std::pair<std::string, std::string>> metadata_;
};

}  // namespace xfer::transfer
