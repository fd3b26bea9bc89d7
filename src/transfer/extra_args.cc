// extra_args.cc: the allow-lists of s3transfer and the mapping of each name to the wire.
#include "transfer/extra_args.h"

#include <algorithm>
#include <cstring>

#include "s3/crypto.h"

namespace xfer::transfer {

namespace {

enum : unsigned {
  kUp = 1u << 0,          // allowed on uploads
  kDown = 1u << 1,        // allowed on downloads
  kCopy = 1u << 2,        // allowed on copies
  kDel = 1u << 3,         // allowed on deletes
  kPart = 1u << 4,        // also sent on UploadPart / UploadPartCopy
  kComplete = 1u << 5,    // sent on CompleteMultipartUpload
  kNotCreate = 1u << 6,   // sent on PutObject / CopyObject but not on CreateMultipartUpload
  kQuery = 1u << 7,       // a query parameter, not a header
  kSourceOnly = 1u << 8,  // copy-source conditions: CopyObject and UploadPartCopy only
  kDescribes = 1u << 9,   // describes the object (a header HEAD returns): kept from a copy's
                          // source unless MetadataDirective is REPLACE
  kSourceHead = 1u << 10  // also sent on the HEAD of a copy's source (s3transfer's mapping)
};

struct Spec {
  const char *name;
  const char *wire;  // header name, or query name with kQuery
  unsigned flags;
};

constexpr unsigned kObj = kUp | kCopy;  // what an upload and a copy both take

const Spec kSpecs[] = {
    {"ACL", "x-amz-acl", kObj},
    {"CacheControl", "Cache-Control", kObj | kDescribes},
    {"ChecksumAlgorithm", "x-amz-sdk-checksum-algorithm", kObj},
    {"ChecksumType", "x-amz-checksum-type", kUp},
    {"ChecksumCRC32", "x-amz-checksum-crc32", kUp | kComplete | kNotCreate},
    {"ChecksumCRC32C", "x-amz-checksum-crc32c", kUp | kComplete | kNotCreate},
    {"ChecksumCRC64NVME", "x-amz-checksum-crc64nvme", kUp | kComplete | kNotCreate},
    {"ChecksumSHA1", "x-amz-checksum-sha1", kUp | kComplete | kNotCreate},
    {"ChecksumSHA256", "x-amz-checksum-sha256", kUp | kComplete | kNotCreate},
    {"ContentDisposition", "Content-Disposition", kObj | kDescribes},
    {"ContentEncoding", "Content-Encoding", kObj | kDescribes},
    {"ContentLanguage", "Content-Language", kObj | kDescribes},
    {"ContentType", "Content-Type", kObj | kDescribes},
    {"ExpectedBucketOwner", "x-amz-expected-bucket-owner",
     kObj | kDown | kDel | kPart | kComplete | kSourceHead},
    {"Expires", "Expires", kObj | kDescribes},
    {"GrantFullControl", "x-amz-grant-full-control", kObj},
    {"GrantRead", "x-amz-grant-read", kObj},
    {"GrantReadACP", "x-amz-grant-read-acp", kObj},
    {"GrantWriteACP", "x-amz-grant-write-acp", kObj},
    {"IfMatch", "If-Match", kUp | kComplete | kNotCreate},
    {"IfNoneMatch", "If-None-Match", kUp | kComplete | kNotCreate},
    {"MpuObjectSize", "x-amz-mp-object-size", kUp | kComplete | kNotCreate},
    {"ObjectLockLegalHoldStatus", "x-amz-object-lock-legal-hold", kObj},
    {"ObjectLockMode", "x-amz-object-lock-mode", kObj},
    {"ObjectLockRetainUntilDate", "x-amz-object-lock-retain-until-date", kObj},
    {"RequestPayer", "x-amz-request-payer", kObj | kDown | kDel | kPart | kComplete | kSourceHead},
    {"ServerSideEncryption", "x-amz-server-side-encryption", kObj},
    {"StorageClass", "x-amz-storage-class", kObj},
    {"SSECustomerAlgorithm", "x-amz-server-side-encryption-customer-algorithm",
     kObj | kDown | kPart | kComplete},
    {"SSECustomerKey", "x-amz-server-side-encryption-customer-key",
     kObj | kDown | kPart | kComplete},
    {"SSECustomerKeyMD5", "x-amz-server-side-encryption-customer-key-MD5",
     kObj | kDown | kPart | kComplete},
    {"SSEKMSKeyId", "x-amz-server-side-encryption-aws-kms-key-id", kObj},
    {"SSEKMSEncryptionContext", "x-amz-server-side-encryption-context", kObj},
    {"Tagging", "x-amz-tagging", kObj},
    {"WebsiteRedirectLocation", "x-amz-website-redirect-location", kObj},
    {"ChecksumMode", "x-amz-checksum-mode", kDown},
    {"VersionId", "versionId", kDown | kDel | kQuery},
    {"MFA", "x-amz-mfa", kDel},
    {"CopySourceIfMatch", "x-amz-copy-source-if-match", kCopy | kSourceOnly},
    {"CopySourceIfModifiedSince", "x-amz-copy-source-if-modified-since", kCopy | kSourceOnly},
    {"CopySourceIfNoneMatch", "x-amz-copy-source-if-none-match", kCopy | kSourceOnly},
    {"CopySourceIfUnmodifiedSince", "x-amz-copy-source-if-unmodified-since", kCopy | kSourceOnly},
    {"CopySourceSSECustomerAlgorithm",
     "x-amz-copy-source-server-side-encryption-customer-algorithm",
     kCopy | kSourceOnly | kSourceHead},
    {"CopySourceSSECustomerKey", "x-amz-copy-source-server-side-encryption-customer-key",
     kCopy | kSourceOnly | kSourceHead},
    {"CopySourceSSECustomerKeyMD5", "x-amz-copy-source-server-side-encryption-customer-key-MD5",
     kCopy | kSourceOnly},
    {"MetadataDirective", "x-amz-metadata-directive", kCopy | kNotCreate},
    {"TaggingDirective", "x-amz-tagging-directive", kCopy | kNotCreate},
};

const Spec *find_spec(const std::string &name) {
  for (auto &s : kSpecs)
    if (name == s.name) return &s;
  return nullptr;
}

unsigned op_flag(Operation op) {
  switch (op) {
    case Operation::Upload:
      return kUp;
    case Operation::Download:
      return kDown;
    case Operation::Copy:
      return kCopy;
    case Operation::Delete:
      return kDel;
  }
  return 0;
}

// Whether an argument with these flags goes on this request.
bool applies(unsigned f, RequestKind kind) {
  switch (kind) {
    case RequestKind::PutOrCreate:
      return (f & kUp) != 0 && !(f & kSourceOnly);
    case RequestKind::CopyOrCreate:
      return (f & kCopy) != 0;
    case RequestKind::UploadPart:
      return (f & kPart) != 0 && (f & kUp) != 0;
    case RequestKind::UploadPartCopy:
      return (f & kPart) != 0 || (f & kSourceOnly) != 0;
    case RequestKind::Complete:
      return (f & kComplete) != 0;
    case RequestKind::Get:
    case RequestKind::Head:
      return (f & kDown) != 0;
    case RequestKind::Delete:
      return (f & kDel) != 0;
    case RequestKind::CopySourceHead:
      return (f & kSourceHead) != 0;
  }
  return false;
}

}  // namespace

std::string ExtraArgs::valid_names() {
  std::string out;
  for (auto &s : kSpecs) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out + ", Metadata";
}

bool ExtraArgs::set(const std::string &name, const std::string &value, std::string *why) {
  if (!find_spec(name)) {
    if (why)
      *why = "name '" + name + "' is not a known extra argument; valid names: " + valid_names();
    return false;
  }
  values_.erase(
      std::remove_if(values_.begin(), values_.end(), [&](auto &kv) { return kv.first == name; }),
      values_.end());
  values_.emplace_back(name, value);
  return true;
}

void ExtraArgs::set_metadata(const std::string &key, const std::string &value) {
  for (auto &kv : metadata_) {
    if (kv.first == key) {
      kv.second = value;
      return;
    }
  }
  metadata_.emplace_back(key, value);
}

std::optional<std::string> ExtraArgs::get(const std::string &name) const {
  for (auto &kv : values_)
    if (kv.first == name) return kv.second;
  return std::nullopt;
}

bool ExtraArgs::validate(Operation op, std::string *why) const {
  unsigned want = op_flag(op);
  std::string bad;
  for (auto &kv : values_) {
    const Spec *s = find_spec(kv.first);
    if (!s || !(s->flags & want)) bad += (bad.empty() ? "" : ", ") + kv.first;
  }
  if (!metadata_.empty() && !(want & kObj))
    bad += (bad.empty() ? "" : ", ") + std::string("Metadata");
  if (bad.empty()) return true;
  if (why) {
    std::string valid;
    for (auto &s : kSpecs) {
      if (s.flags & want) valid += (valid.empty() ? "" : ", ") + std::string(s.name);
    }
    if (want & kObj) valid += ", Metadata";
    *why = "extra arguments not valid for this operation: " + bad + "; valid names: " + valid;
  }
  return false;
}

ExtraArgs ExtraArgs::without_object_headers() const {
  ExtraArgs out;
  for (auto &kv : values_) {
    const Spec *s = find_spec(kv.first);
    if (s && !(s->flags & kDescribes)) out.values_.push_back(kv);
  }
  return out;
}

void ExtraArgs::apply(RequestKind kind, s3::S3Request &req) const {
  const bool creates = kind == RequestKind::PutOrCreate || kind == RequestKind::CopyOrCreate;
  const bool is_create = creates && req.method == "POST";
  for (auto &kv : values_) {
    const Spec *s = find_spec(kv.first);
    if (!s || !applies(s->flags, kind)) continue;
    if (is_create && (s->flags & (kNotCreate | kSourceOnly))) continue;
    std::string wire = s->wire;
    // The source's HEAD names the source's key with the plain SSE-C headers, as s3transfer maps
    // CopySourceSSECustomer* to HeadObject's SSECustomer*.
    constexpr const char *kSourcePrefix = "x-amz-copy-source-";
    if (kind == RequestKind::CopySourceHead && wire.rfind(kSourcePrefix, 0) == 0)
      wire = "x-amz-" + wire.substr(std::strlen(kSourcePrefix));
    if (s->flags & kQuery) {
      req.query.emplace_back(wire, kv.second);
    } else if (std::strcmp(s->name, "SSECustomerKey") == 0 ||
               std::strcmp(s->name, "CopySourceSSECustomerKey") == 0) {
      // As botocore does: the caller gives the raw key; the wire wants it in base64 with its MD5.
      req.headers.emplace_back(wire, s3::base64_encode(kv.second));
      std::string md5_name = std::string(s->name) + "MD5";
      if (!get(md5_name)) {
        req.headers.emplace_back(wire + "-MD5", s3::base64_encode(s3::md5_raw(kv.second)));
      }
    } else {
      req.headers.emplace_back(wire, kv.second);
    }
  }
  if (creates) {
    for (auto &kv : metadata_) req.headers.emplace_back("x-amz-meta-" + kv.first, kv.second);
  }
}

}  // namespace xfer::transfer
