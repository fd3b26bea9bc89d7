// xml.cc: S3 XML bodies: tinyxml2 parsing of responses and building of request bodies.
//
// Caveats of XML itself (not of this code), which is why listings should use
// encoding-type=url: a key that is only whitespace reads back empty, a raw CR or CRLF in a key
// reads back as LF, and control characters other than TAB, LF and CR cannot appear in XML 1.0
// at all (build_* writes them through unchanged and the server will reject the body).
#include "s3/xml.h"

#include <tinyxml2.h>

#include <algorithm>
#include <charconv>
#include <climits>

#include "s3/crypto.h"

namespace xfer::s3 {
namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;

constexpr const char *kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// The part of an element name after its namespace prefix, if any.
std::string_view local_name(const XMLElement *e) {
  std::string_view name = e->Name() ? e->Name() : "";
  size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

const XMLElement *child(const XMLElement *parent, std::string_view name) {
  if (!parent) return nullptr;
  for (const XMLElement *e = parent->FirstChildElement(); e; e = e->NextSiblingElement()) {
    if (local_name(e) == name) return e;
  }
  return nullptr;
}

// Calls fn(element) for each direct child named `name`; stops and returns false when fn does.
template <typename Fn>
bool each_child(const XMLElement *parent, std::string_view name, Fn fn) {
  if (!parent) return true;
  for (const XMLElement *e = parent->FirstChildElement(); e; e = e->NextSiblingElement()) {
    if (local_name(e) == name && !fn(e)) return false;
  }
  return true;
}

std::string text_of(const XMLElement *e) {
  const char *t = e ? e->GetText() : nullptr;
  return t ? std::string(t) : std::string();
}

std::string child_text(const XMLElement *parent, std::string_view name) {
  return text_of(child(parent, name));
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back())) s.remove_suffix(1);
  return s;
}

// Strict unsigned decimal: digits only (surrounding XML whitespace allowed), no sign, no
// overflow.
std::optional<uint64_t> parse_u64(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int> parse_nonneg_int(std::string_view s) {
  auto v = parse_u64(s);
  if (!v || *v > static_cast<uint64_t>(INT_MAX)) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<bool> parse_bool(std::string_view s) {
  s = trim(s);
  auto eq = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return (x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x) == y;
           });
  };
  if (eq(s, "true")) return true;
  if (eq(s, "false")) return false;
  return std::nullopt;
}

// Optional numeric/boolean children: absent gives `def`, present but malformed gives nullopt.
std::optional<uint64_t> opt_u64(const XMLElement *parent, std::string_view name, uint64_t def) {
  const XMLElement *e = child(parent, name);
  return e ? parse_u64(text_of(e)) : std::optional<uint64_t>(def);
}
std::optional<int> opt_int(const XMLElement *parent, std::string_view name, int def) {
  const XMLElement *e = child(parent, name);
  return e ? parse_nonneg_int(text_of(e)) : std::optional<int>(def);
}
std::optional<bool> opt_bool(const XMLElement *parent, std::string_view name, bool def) {
  const XMLElement *e = child(parent, name);
  return e ? parse_bool(text_of(e)) : std::optional<bool>(def);
}

// Decodes S3's encoding-type=url values: %XX escapes and '+' for a space (S3 writes a literal
// '+' as %2B). A malformed escape gives nullopt.
std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool url_encoded(const XMLElement *root) {
  return trim(child_text(root, "EncodingType")) == "url";
}

// A parsed document with exactly one root element whose local name is `root_name` (any root
// when empty). Owns the tinyxml2 document the returned root points into.
class Document {
 public:
  Document(std::string_view body, std::string_view root_name) {
    // tinyxml2 stops at a NUL, which would hide truncation; NUL is never valid XML anyway.
    if (body.empty() || body.find('\0') != std::string_view::npos) return;
    if (doc_.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) return;
    const XMLElement *first = doc_.FirstChildElement();
    if (!first || first->NextSiblingElement()) return;
    if (!root_name.empty() && local_name(first) != root_name) return;
    root_ = first;
  }
  const XMLElement *root() const { return root_; }

 private:
  XMLDocument doc_{true, tinyxml2::PRESERVE_WHITESPACE};
  const XMLElement *root_ = nullptr;
};

S3Error error_fields(const XMLElement *e) {
  S3Error err;
  err.code = child_text(e, "Code");
  err.message = child_text(e, "Message");
  err.request_id = child_text(e, "RequestId");
  err.host_id = child_text(e, "HostId");
  err.resource = child_text(e, "Resource");
  return err;
}

std::optional<CopyResult> parse_copy(std::string_view body, std::string_view root_name) {
  Document doc(body, root_name);
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  CopyResult r;
  r.etag = normalize_etag(child_text(root, "ETag"));
  r.last_modified = child_text(root, "LastModified");
  r.checksum_crc32 = child_text(root, "ChecksumCRC32");
  r.checksum_crc32c = child_text(root, "ChecksumCRC32C");
  r.checksum_crc64nvme = child_text(root, "ChecksumCRC64NVME");
  r.checksum_sha1 = child_text(root, "ChecksumSHA1");
  r.checksum_sha256 = child_text(root, "ChecksumSHA256");
  return r;
}

// Serialises a built document compactly, without an XML declaration (UTF-8 is the default).
std::string to_string(const XMLDocument &doc) {
  tinyxml2::XMLPrinter printer(nullptr, /*compact=*/true);
  doc.Print(&printer);
  std::string_view printed(printer.CStr(), static_cast<size_t>(printer.CStrSize() - 1));
  // tinyxml2 escapes & < > but writes CR raw, and every XML parser turns a raw CR into LF.
  // Compact output has no CR of its own, so each one comes from a value: write it as a
  // character reference, as AWS documents for keys.
  std::string out;
  out.reserve(printed.size());
  for (char c : printed) {
    if (c == '\r') {
      out += "&#13;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

XMLElement *add_text_child(XMLDocument &doc, XMLElement *parent, const char *name,
                           const std::string &value) {
  XMLElement *e = doc.NewElement(name);
  e->SetText(value.c_str());
  parent->InsertEndChild(e);
  return e;
}

bool known_checksum_element(std::string_view name) {
  return name == "ChecksumCRC32" || name == "ChecksumCRC32C" || name == "ChecksumCRC64NVME" ||
         name == "ChecksumSHA1" || name == "ChecksumSHA256";
}

}  // namespace

std::optional<S3Error> parse_error(std::string_view body) {
  Document doc(body, "Error");
  if (!doc.root()) return std::nullopt;
  return error_fields(doc.root());
}

bool body_is_error(std::string_view body) {
  return Document(body, "Error").root() != nullptr;
}

std::optional<InitiateMultipartUploadResult> parse_initiate_multipart(std::string_view body) {
  Document doc(body, "InitiateMultipartUploadResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  InitiateMultipartUploadResult r;
  r.bucket = child_text(root, "Bucket");
  r.key = child_text(root, "Key");
  r.upload_id = child_text(root, "UploadId");
  if (r.upload_id.empty()) return std::nullopt;
  return r;
}

std::string build_complete_multipart(const std::vector<CompletedPart> &parts) {
  std::vector<const CompletedPart *> sorted;
  sorted.reserve(parts.size());
  for (const CompletedPart &p : parts) {
    if (!p.checksum_element.empty() && !known_checksum_element(p.checksum_element)) return "";
    sorted.push_back(&p);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const CompletedPart *a, const CompletedPart *b) {
                     return a->part_number < b->part_number;
                   });

  XMLDocument doc;
  XMLElement *root = doc.NewElement("CompleteMultipartUpload");
  root->SetAttribute("xmlns", kS3Namespace);
  doc.InsertEndChild(root);
  for (const CompletedPart *p : sorted) {
    XMLElement *part = doc.NewElement("Part");
    root->InsertEndChild(part);
    XMLElement *number = doc.NewElement("PartNumber");
    number->SetText(p->part_number);
    part->InsertEndChild(number);
    add_text_child(doc, part, "ETag", normalize_etag(p->etag));
    if (!p->checksum_element.empty() && !p->checksum_value.empty()) {
      add_text_child(doc, part, p->checksum_element.c_str(), p->checksum_value);
    }
  }
  return to_string(doc);
}

std::optional<CompleteMultipartUploadResult> parse_complete_multipart(std::string_view body) {
  Document doc(body, "CompleteMultipartUploadResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  CompleteMultipartUploadResult r;
  r.location = child_text(root, "Location");
  r.bucket = child_text(root, "Bucket");
  r.key = child_text(root, "Key");
  r.etag = normalize_etag(child_text(root, "ETag"));
  r.checksum_crc32 = child_text(root, "ChecksumCRC32");
  r.checksum_crc32c = child_text(root, "ChecksumCRC32C");
  r.checksum_crc64nvme = child_text(root, "ChecksumCRC64NVME");
  r.checksum_sha1 = child_text(root, "ChecksumSHA1");
  r.checksum_sha256 = child_text(root, "ChecksumSHA256");
  r.checksum_type = child_text(root, "ChecksumType");
  return r;
}

std::optional<CopyResult> parse_copy_object(std::string_view body) {
  return parse_copy(body, "CopyObjectResult");
}

std::optional<CopyResult> parse_copy_part(std::string_view body) {
  return parse_copy(body, "CopyPartResult");
}

std::optional<ListPartsResult> parse_list_parts(std::string_view body) {
  Document doc(body, "ListPartsResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  ListPartsResult r;
  bool ok = each_child(root, "Part", [&](const XMLElement *e) {
    const XMLElement *number_el = child(e, "PartNumber");
    if (!number_el) return false;
    auto number = parse_nonneg_int(text_of(number_el));
    auto size = opt_u64(e, "Size", 0);
    if (!number || !size) return false;
    Part p;
    p.part_number = *number;
    p.size = *size;
    p.etag = normalize_etag(child_text(e, "ETag"));
    p.last_modified = child_text(e, "LastModified");
    r.parts.push_back(std::move(p));
    return true;
  });
  auto truncated = opt_bool(root, "IsTruncated", false);
  auto next = opt_int(root, "NextPartNumberMarker", 0);
  if (!ok || !truncated || !next) return std::nullopt;
  r.is_truncated = *truncated;
  r.next_part_number_marker = *next;
  return r;
}

std::optional<ListUploadsResult> parse_list_multipart_uploads(std::string_view body) {
  Document doc(body, "ListMultipartUploadsResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  const bool encoded = url_encoded(root);
  auto decode = [encoded](std::string s) -> std::optional<std::string> {
    return encoded ? url_decode(s) : std::optional<std::string>(std::move(s));
  };
  ListUploadsResult r;
  bool ok = each_child(root, "Upload", [&](const XMLElement *e) {
    const XMLElement *key_el = child(e, "Key");
    if (!key_el) return false;
    auto key = decode(text_of(key_el));
    if (!key) return false;
    Upload u;
    u.key = std::move(*key);
    u.upload_id = child_text(e, "UploadId");
    if (u.upload_id.empty()) return false;
    u.initiated = child_text(e, "Initiated");
    r.uploads.push_back(std::move(u));
    return true;
  });
  auto truncated = opt_bool(root, "IsTruncated", false);
  auto next_key = decode(child_text(root, "NextKeyMarker"));
  if (!ok || !truncated || !next_key) return std::nullopt;
  r.is_truncated = *truncated;
  r.next_key_marker = std::move(*next_key);
  r.next_upload_id_marker = child_text(root, "NextUploadIdMarker");
  return r;
}

std::optional<ListObjectsResult> parse_list_objects_v2(std::string_view body) {
  Document doc(body, "ListBucketResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  const bool encoded = url_encoded(root);
  auto decode = [encoded](std::string s) -> std::optional<std::string> {
    return encoded ? url_decode(s) : std::optional<std::string>(std::move(s));
  };
  ListObjectsResult r;
  bool ok = each_child(root, "Contents", [&](const XMLElement *e) {
    const XMLElement *key_el = child(e, "Key");
    if (!key_el) return false;
    auto key = decode(text_of(key_el));
    auto size = opt_u64(e, "Size", 0);
    if (!key || !size) return false;
    ObjectEntry o;
    o.key = std::move(*key);
    o.size = *size;
    o.etag = normalize_etag(child_text(e, "ETag"));
    o.last_modified = child_text(e, "LastModified");
    o.storage_class = child_text(e, "StorageClass");
    r.objects.push_back(std::move(o));
    return true;
  });
  ok = ok && each_child(root, "CommonPrefixes", [&](const XMLElement *e) {
         // One <Prefix> per <CommonPrefixes> is the norm; take all in case a server groups them.
         return each_child(e, "Prefix", [&](const XMLElement *p) {
           auto prefix = decode(text_of(p));
           if (!prefix) return false;
           r.common_prefixes.push_back(std::move(*prefix));
           return true;
         });
       });
  auto truncated = opt_bool(root, "IsTruncated", false);
  const int listed = static_cast<int>(
      std::min<size_t>(r.objects.size() + r.common_prefixes.size(), static_cast<size_t>(INT_MAX)));
  auto key_count = opt_int(root, "KeyCount", listed);
  if (!ok || !truncated || !key_count) return std::nullopt;
  r.is_truncated = *truncated;
  r.key_count = *key_count;
  r.next_continuation_token = child_text(root, "NextContinuationToken");
  return r;
}

std::optional<std::vector<Bucket>> parse_list_buckets(std::string_view body) {
  Document doc(body, "ListAllMyBucketsResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  std::vector<Bucket> buckets;
  bool ok = each_child(child(root, "Buckets"), "Bucket", [&](const XMLElement *e) {
    Bucket b;
    b.name = child_text(e, "Name");
    if (b.name.empty()) return false;
    b.creation_date = child_text(e, "CreationDate");
    buckets.push_back(std::move(b));
    return true;
  });
  if (!ok) return std::nullopt;
  return buckets;
}

std::string build_delete_objects(const std::vector<std::pair<std::string, std::string>> &objects,
                                 bool quiet) {
  XMLDocument doc;
  XMLElement *root = doc.NewElement("Delete");
  root->SetAttribute("xmlns", kS3Namespace);
  doc.InsertEndChild(root);
  if (quiet) add_text_child(doc, root, "Quiet", "true");
  for (const auto &[key, version_id] : objects) {
    XMLElement *object = doc.NewElement("Object");
    root->InsertEndChild(object);
    add_text_child(doc, object, "Key", key);
    if (!version_id.empty()) add_text_child(doc, object, "VersionId", version_id);
  }
  return to_string(doc);
}

std::optional<DeleteObjectsResult> parse_delete_objects(std::string_view body) {
  Document doc(body, "DeleteResult");
  const XMLElement *root = doc.root();
  if (!root) return std::nullopt;
  DeleteObjectsResult r;
  bool ok = each_child(root, "Deleted", [&](const XMLElement *e) {
    const XMLElement *key = child(e, "Key");
    if (!key) return false;
    r.deleted.push_back(text_of(key));
    return true;
  });
  ok = ok && each_child(root, "Error", [&](const XMLElement *e) {
         const XMLElement *key = child(e, "Key");
         if (!key) return false;
         r.errors.emplace_back(text_of(key), error_fields(e));
         return true;
       });
  if (!ok) return std::nullopt;
  return r;
}

std::string build_create_bucket(std::string_view region) {
  if (region.empty() || region == "us-east-1") return "";
  XMLDocument doc;
  XMLElement *root = doc.NewElement("CreateBucketConfiguration");
  root->SetAttribute("xmlns", kS3Namespace);
  doc.InsertEndChild(root);
  add_text_child(doc, root, "LocationConstraint", std::string(region));
  return to_string(doc);
}

std::string normalize_etag(std::string_view etag) {
  etag = trim(etag);
  if (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  if (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  if (etag.empty()) return "";
  std::string out;
  out.reserve(etag.size() + 2);
  out.push_back('"');
  out.append(etag);
  out.push_back('"');
  return out;
}

}  // namespace xfer::s3
