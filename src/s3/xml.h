// xml.h: S3 XML bodies: parse responses and build request bodies (tinyxml2 underneath).
#ifndef XFER_S3_XML_H_
#define XFER_S3_XML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xfer::s3 {

// Conventions for every parse_* function:
// - never throws; returns std::nullopt for malformed or truncated XML, a body holding a NUL
//   byte, a root element other than the expected one, an identifying element that is missing
//   (UploadId, PartNumber, Key, Name) or a number/boolean that does not parse strictly;
// - element names are matched by local name, so default-namespaced, prefixed ("s3:Key") and
//   un-namespaced documents are all accepted; unknown elements are ignored;
// - missing optional elements give empty strings, 0 or false;
// - every ETag is passed through normalize_etag (quoted; empty stays empty).

// An S3 <Error> document. `resource` is the <Resource> element (AWS); servers that send
// <Key> or <BucketName> instead leave it empty.
struct S3Error {
  std::string code, message, request_id, host_id, resource;
};
std::optional<S3Error> parse_error(std::string_view body);
// True when the body is a well-formed document whose root element is <Error>: a 200 OK that
// carries an error (CompleteMultipartUpload, CopyObject, UploadPartCopy). A truncated body is
// not recognised here; the caller's parse of the expected result then fails instead.
bool body_is_error(std::string_view body);

struct InitiateMultipartUploadResult {
  std::string bucket, key, upload_id;
};
// nullopt when <UploadId> is missing or empty.
std::optional<InitiateMultipartUploadResult> parse_initiate_multipart(std::string_view body);

struct CompletedPart {
  int part_number = 0;
  std::string etag;              // quoted or not: normalize_etag is applied
  std::string checksum_element;  // "ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME",
                                 // "ChecksumSHA1", "ChecksumSHA256"; empty = none
  std::string checksum_value;    // base64; the element is written only when both are set
};
// <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part>...</Part>...
// Parts are written in ascending part number (S3 rejects any other order). Returns "" when a
// checksum_element is not one of the names above.
std::string build_complete_multipart(const std::vector<CompletedPart> &parts);

struct CompleteMultipartUploadResult {
  std::string location, bucket, key, etag;  // etag is empty from radosgw: read it from HEAD
  std::string checksum_crc32, checksum_crc32c, checksum_crc64nvme, checksum_sha1, checksum_sha256,
      checksum_type;
};
std::optional<CompleteMultipartUploadResult> parse_complete_multipart(std::string_view body);

struct CopyResult {
  std::string etag, last_modified;
  std::string checksum_crc32, checksum_crc32c, checksum_crc64nvme, checksum_sha1, checksum_sha256;
};
std::optional<CopyResult> parse_copy_object(std::string_view body);  // <CopyObjectResult>
std::optional<CopyResult> parse_copy_part(std::string_view body);    // <CopyPartResult>

struct Part {
  int part_number = 0;
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};
struct ListPartsResult {
  std::vector<Part> parts;
  bool is_truncated = false;
  int next_part_number_marker = 0;
};
std::optional<ListPartsResult> parse_list_parts(std::string_view body);

struct Upload {
  std::string key, upload_id, initiated;
};
struct ListUploadsResult {
  std::vector<Upload> uploads;
  bool is_truncated = false;
  std::string next_key_marker, next_upload_id_marker;
};
// With <EncodingType>url</EncodingType>, Key and NextKeyMarker are url-decoded.
std::optional<ListUploadsResult> parse_list_multipart_uploads(std::string_view body);

struct ObjectEntry {
  std::string key, etag, last_modified, storage_class;
  uint64_t size = 0;
};
struct ListObjectsResult {
  std::vector<ObjectEntry> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
  int key_count = 0;  // <KeyCount>; when absent, objects + common prefixes
};
// With <EncodingType>url</EncodingType>, Contents/Key and CommonPrefixes/Prefix are
// url-decoded ('+' is a space, as S3 encodes it; a bad %-escape gives nullopt). Request
// encoding-type=url: XML cannot carry every key byte-exactly (see caveats in xml.cc).
std::optional<ListObjectsResult> parse_list_objects_v2(std::string_view body);

struct Bucket {
  std::string name, creation_date;
};
std::optional<std::vector<Bucket>> parse_list_buckets(std::string_view body);

// <Delete xmlns="..."><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>
// ...</Delete>; <Quiet> only when quiet, <VersionId> only when non-empty. S3 takes 1 to 1000
// objects per request: batching is the caller's job.
std::string build_delete_objects(const std::vector<std::pair<std::string, std::string>> &objects,
                                 bool quiet);

struct DeleteObjectsResult {
  std::vector<std::string> deleted;                     // keys
  std::vector<std::pair<std::string, S3Error>> errors;  // key, code + message
};
std::optional<DeleteObjectsResult> parse_delete_objects(std::string_view body);

// <CreateBucketConfiguration xmlns="..."><LocationConstraint>region</LocationConstraint>...;
// "" (send no body) for an empty region or us-east-1.
std::string build_create_bucket(std::string_view region);

// Trims ASCII whitespace and adds the surrounding double quotes when missing ("abc" and abc
// both give "abc"); empty, and a bare pair of quotes, give "".
std::string normalize_etag(std::string_view etag);

}  // namespace xfer::s3

#endif  // XFER_S3_XML_H_
