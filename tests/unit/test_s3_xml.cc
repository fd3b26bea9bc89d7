// test_s3_xml.cc: unit tests for src/s3/xml: S3 response parsing and request body building.
// cmocka.h needs these first, in this order.
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {  // cmocka.h has no C++ guard of its own
#include <cmocka.h>
}
// clang-format on

#include <tinyxml2.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/xml.h"

using namespace xfer::s3;

namespace {

void expect_str(const std::string &got, const char *want) {
  assert_string_equal(got.c_str(), want);
}

// ---- errors ---------------------------------------------------------------------------------

// The example in the S3 API reference (ErrorResponses).
const char *kAwsError =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error>\n"
    "  <Code>NoSuchKey</Code>\n"
    "  <Message>The resource you requested does not exist</Message>\n"
    "  <Resource>/mybucket/myfoto.jpg</Resource> \n"
    "  <RequestId>4442587FB7D0A2F9</RequestId>\n"
    "</Error>";

void test_error_aws(void **) {
  auto e = parse_error(kAwsError);
  assert_true(e.has_value());
  expect_str(e->code, "NoSuchKey");
  expect_str(e->message, "The resource you requested does not exist");
  expect_str(e->resource, "/mybucket/myfoto.jpg");
  expect_str(e->request_id, "4442587FB7D0A2F9");
  expect_str(e->host_id, "");
  assert_true(body_is_error(kAwsError));
}

void test_error_swift(void **) {
  // Swift s3api: single-quoted declaration, extra elements, transaction id as RequestId.
  const char *body =
      "<?xml version='1.0' encoding='UTF-8'?>\n"
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
      "not match the signature you provided. Check your key and signing method.</Message>"
      "<AWSAccessKeyId>test:tester</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n"
      "20240101T000000Z\n20240101/us-east-1/s3/aws4_request\nabc</StringToSign>"
      "<SignatureProvided>deadbeef</SignatureProvided><StringToSignBytes>41 57 "
      "53</StringToSignBytes>"
      "<CanonicalRequest>GET\n/b/k\n\nhost:127.0.0.1:8080\n\nhost\nUNSIGNED-PAYLOAD</"
      "CanonicalRequest>"
      "<RequestId>tx2c1b1a4f0e0d4c2c9a5b1-0065a1b2c3</RequestId></Error>";
  auto e = parse_error(body);
  assert_true(e.has_value());
  expect_str(e->code, "SignatureDoesNotMatch");
  expect_str(e->request_id, "tx2c1b1a4f0e0d4c2c9a5b1-0065a1b2c3");
  expect_str(e->resource, "");
  assert_true(body_is_error(body));
}

void test_error_radosgw(void **) {
  // radosgw: empty <Message/>, BucketName, HostId.
  const char *body =
      "<?xml version=\"1.0\" "
      "encoding=\"UTF-8\"?><Error><Code>NoSuchUpload</Code><Message></Message>"
      "<BucketName>bkt</BucketName><RequestId>tx000001b2f0c3d4e5f6a7b-0065a1b2c3-1234-default"
      "</RequestId><HostId>1234-default-default</HostId></Error>";
  auto e = parse_error(body);
  assert_true(e.has_value());
  expect_str(e->code, "NoSuchUpload");
  expect_str(e->message, "");
  expect_str(e->request_id, "tx000001b2f0c3d4e5f6a7b-0065a1b2c3-1234-default");
  expect_str(e->host_id, "1234-default-default");
}

void test_error_in_200(void **) {
  // Complete and Copy answer 200 at once and send spaces while they work; the error follows.
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "                                                                    \n"
      "<Error>\n"
      "  <Code>InternalError</Code>\n"
      "  <Message>We encountered an internal error. Please try again.</Message>\n"
      "  <RequestId>656c76696e6727732072657175657374</RequestId>\n"
      "  <HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId>\n"
      "</Error>";
  assert_true(body_is_error(body));
  auto e = parse_error(body);
  assert_true(e.has_value());
  expect_str(e->code, "InternalError");
  expect_str(e->host_id, "Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==");
  // The same body is no Complete or Copy result.
  assert_false(parse_complete_multipart(body).has_value());
  assert_false(parse_copy_object(body).has_value());
  assert_false(parse_copy_part(body).has_value());
  // Whitespace before the declaration too.
  std::string padded = std::string(4096, ' ') + body;
  assert_true(body_is_error(padded));

  const char *ok =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n   \n<CompleteMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>x</Location>"
      "<Bucket>b</Bucket><Key>k</Key><ETag>\"e-2\"</ETag></CompleteMultipartUploadResult>";
  assert_false(body_is_error(ok));
  assert_false(parse_error(ok).has_value());
  assert_false(body_is_error(""));
  assert_false(body_is_error("Error"));
  assert_false(body_is_error("<Error><Code>InternalError</Code>"));  // truncated
  assert_false(body_is_error("<ErrorResponse><Error/></ErrorResponse>"));
  assert_true(body_is_error("<Error/>"));
}

// ---- multipart ------------------------------------------------------------------------------

void test_initiate(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Bucket>example-bucket</Bucket>\n"
      "  <Key>example-object</Key>\n"
      "  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>\n"
      "</InitiateMultipartUploadResult>";
  auto r = parse_initiate_multipart(body);
  assert_true(r.has_value());
  expect_str(r->bucket, "example-bucket");
  expect_str(r->key, "example-object");
  expect_str(r->upload_id, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");

  // radosgw style upload id, no namespace, no declaration.
  r = parse_initiate_multipart(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>a &amp; b</Key>"
      "<UploadId>2~hZ4dYyF1x3mB0wHj6pQzJkLr7sVtUe8</UploadId></InitiateMultipartUploadResult>");
  assert_true(r.has_value());
  expect_str(r->key, "a & b");
  expect_str(r->upload_id, "2~hZ4dYyF1x3mB0wHj6pQzJkLr7sVtUe8");

  // No upload id, empty upload id, wrong root: nothing to continue with.
  assert_false(
      parse_initiate_multipart("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                               "</InitiateMultipartUploadResult>")
          .has_value());
  assert_false(parse_initiate_multipart("<InitiateMultipartUploadResult><UploadId/>"
                                        "</InitiateMultipartUploadResult>")
                   .has_value());
  assert_false(parse_initiate_multipart("<CopyPartResult><UploadId>x</UploadId></CopyPartResult>")
                   .has_value());
}

// Parses a built body back with tinyxml2, the way a server would.
struct Parsed {
  tinyxml2::XMLDocument doc;
  const tinyxml2::XMLElement *root = nullptr;
  explicit Parsed(const std::string &xml) {
    assert_int_equal(doc.Parse(xml.data(), xml.size()), tinyxml2::XML_SUCCESS);
    root = doc.RootElement();
    assert_non_null(root);
  }
};

std::string text(const tinyxml2::XMLElement *e, const char *name) {
  assert_non_null(e);
  const tinyxml2::XMLElement *c = e->FirstChildElement(name);
  assert_non_null(c);
  return c->GetText() ? c->GetText() : "";
}

int count_children(const tinyxml2::XMLElement *e) {
  int n = 0;
  for (auto *c = e->FirstChildElement(); c; c = c->NextSiblingElement()) ++n;
  return n;
}

void test_build_complete(void **) {
  std::vector<CompletedPart> parts = {
      {2, "\"0c78aef83f66abc1fa1e8477f296d394\"", "ChecksumCRC32", "7BrLvw=="},
      {1, "acbd18db4cc2f85cedef654fccc4a4d8", "", ""},  // unquoted (radosgw UploadPartCopy)
      {3, " weird&<>'\"x ", "ChecksumSHA256", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="},
      {4, "\"37b51d194a7513e45b56f6524f2d51f2\"", "ChecksumCRC32C", ""},  // no value: no element
  };
  std::string xml = build_complete_multipart(parts);
  assert_true(xml.find("<?xml") == std::string::npos);
  Parsed p(xml);
  assert_string_equal(p.root->Name(), "CompleteMultipartUpload");
  assert_string_equal(p.root->Attribute("xmlns"), "http://s3.amazonaws.com/doc/2006-03-01/");
  assert_int_equal(count_children(p.root), 4);

  const tinyxml2::XMLElement *part = p.root->FirstChildElement("Part");
  // Written in part-number order.
  expect_str(text(part, "PartNumber"), "1");
  expect_str(text(part, "ETag"), "\"acbd18db4cc2f85cedef654fccc4a4d8\"");
  assert_int_equal(count_children(part), 2);

  part = part->NextSiblingElement("Part");
  expect_str(text(part, "PartNumber"), "2");
  expect_str(text(part, "ETag"), "\"0c78aef83f66abc1fa1e8477f296d394\"");
  expect_str(text(part, "ChecksumCRC32"), "7BrLvw==");

  part = part->NextSiblingElement("Part");
  expect_str(text(part, "PartNumber"), "3");
  expect_str(text(part, "ETag"), "\"weird&<>'\"x\"");  // escaped on the way out, intact back
  expect_str(text(part, "ChecksumSHA256"), "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=");
  assert_true(xml.find("weird&amp;&lt;") != std::string::npos);

  part = part->NextSiblingElement("Part");
  expect_str(text(part, "PartNumber"), "4");
  assert_null(part->FirstChildElement("ChecksumCRC32C"));
  assert_int_equal(count_children(part), 2);

  // An element name outside the known checksums is refused rather than written.
  assert_true(build_complete_multipart({{1, "\"e\"", "Checksum><Evil", "x"}}).empty());
  assert_true(build_complete_multipart({{1, "\"e\"", "ChecksumMD5", "x"}}).empty());

  Parsed empty(build_complete_multipart({}));
  assert_string_equal(empty.root->Name(), "CompleteMultipartUpload");
  assert_int_equal(count_children(empty.root), 0);
}

void test_parse_complete(void **) {
  // AWS, with a full-object checksum.
  const char *aws =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Location>https://example-bucket.s3.amazonaws.com/big%20file</Location>\n"
      "  <Bucket>example-bucket</Bucket>\n"
      "  <Key>big file</Key>\n"
      "  <ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>\n"
      "  <ChecksumCRC32>AAAAAA==-9</ChecksumCRC32>\n"
      "  <ChecksumType>COMPOSITE</ChecksumType>\n"
      "</CompleteMultipartUploadResult>";
  auto r = parse_complete_multipart(aws);
  assert_true(r.has_value());
  expect_str(r->location, "https://example-bucket.s3.amazonaws.com/big%20file");
  expect_str(r->bucket, "example-bucket");
  expect_str(r->key, "big file");
  expect_str(r->etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
  expect_str(r->checksum_crc32, "AAAAAA==-9");
  expect_str(r->checksum_type, "COMPOSITE");
  expect_str(r->checksum_sha256, "");

  // Swift s3api: &quot;-escaped ETag.
  r = parse_complete_multipart(
      "<?xml version='1.0' encoding='UTF-8'?>\n<CompleteMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>http://127.0.0.1:8080/b/k"
      "</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e-2"
      "&quot;</ETag></CompleteMultipartUploadResult>");
  assert_true(r.has_value());
  expect_str(r->etag, "\"d41d8cd98f00b204e9800998ecf8427e-2\"");

  // radosgw: empty ETag, both spellings.
  r = parse_complete_multipart(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>127.0.0.1/b/k</Location>"
      "<Bucket>b</Bucket><Key>k</Key><ETag></ETag></CompleteMultipartUploadResult>");
  assert_true(r.has_value());
  expect_str(r->etag, "");
  expect_str(r->location, "127.0.0.1/b/k");
  r = parse_complete_multipart(
      "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag/>"
      "</CompleteMultipartUploadResult>");
  assert_true(r.has_value());
  expect_str(r->etag, "");
  // No ETag element at all.
  r = parse_complete_multipart("<CompleteMultipartUploadResult/>");
  assert_true(r.has_value());
  expect_str(r->etag, "");

  // Prefixed namespace.
  r = parse_complete_multipart(
      "<s3:CompleteMultipartUploadResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<s3:Key>k</s3:Key><s3:ETag>\"x-1\"</s3:ETag><s3:ChecksumCRC64NVME>AAAAAAAAAAA="
      "</s3:ChecksumCRC64NVME><s3:ChecksumType>FULL_OBJECT</s3:ChecksumType>"
      "</s3:CompleteMultipartUploadResult>");
  assert_true(r.has_value());
  expect_str(r->key, "k");
  expect_str(r->etag, "\"x-1\"");
  expect_str(r->checksum_crc64nvme, "AAAAAAAAAAA=");
  expect_str(r->checksum_type, "FULL_OBJECT");
}

void test_copy(void **) {
  const char *aws =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <LastModified>2009-10-28T22:32:00.000Z</LastModified>\n"
      "  <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>\n"
      "  <ChecksumCRC32C>yZRlqg==</ChecksumCRC32C>\n"
      "</CopyObjectResult>";
  auto r = parse_copy_object(aws);
  assert_true(r.has_value());
  expect_str(r->etag, "\"9b2cf535f27731c974343645a3985328\"");
  expect_str(r->last_modified, "2009-10-28T22:32:00.000Z");
  expect_str(r->checksum_crc32c, "yZRlqg==");
  assert_false(parse_copy_part(aws).has_value());  // wrong root for a part copy

  // radosgw: unquoted ETag in copy results.
  const char *rgw =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyPartResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>2024-01-02T03:04:05.678Z"
      "</LastModified><ETag>5d41402abc4b2a76b9719d911017c592</ETag></CopyPartResult>";
  r = parse_copy_part(rgw);
  assert_true(r.has_value());
  expect_str(r->etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  expect_str(r->last_modified, "2024-01-02T03:04:05.678Z");
  assert_false(parse_copy_object(rgw).has_value());

  r = parse_copy_object(
      "<CopyObjectResult><ETag>5d41402abc4b2a76b9719d911017c592</ETag>"
      "<ChecksumCRC32>NhCmhg==</ChecksumCRC32><ChecksumSHA1>qZk+NkcGgWq6PiVxeFDCbJzQ2J0=</"
      "ChecksumSHA1>"
      "</CopyObjectResult>");
  assert_true(r.has_value());
  expect_str(r->etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  expect_str(r->checksum_crc32, "NhCmhg==");
  expect_str(r->checksum_sha1, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

void test_list_parts(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Bucket>example-bucket</Bucket>\n"
      "  <Key>example-object</Key>\n"
      "  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>\n"
      "  "
      "<Initiator><ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx"
      "</ID><DisplayName>umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx</DisplayName></Initiator>\n"
      "  <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>"
      "<DisplayName>someName</DisplayName></Owner>\n"
      "  <StorageClass>STANDARD</StorageClass>\n"
      "  <PartNumberMarker>1</PartNumberMarker>\n"
      "  <NextPartNumberMarker>3</NextPartNumberMarker>\n"
      "  <MaxParts>2</MaxParts>\n"
      "  <IsTruncated>true</IsTruncated>\n"
      "  <Part>\n"
      "    <PartNumber>2</PartNumber>\n"
      "    <LastModified>2010-11-10T20:48:34.000Z</LastModified>\n"
      "    <ETag>\"7778aef83f66abc1fa1e8477f296d394\"</ETag>\n"
      "    <Size>5368709120</Size>\n"
      "  </Part>\n"
      "  <Part>\n"
      "    <PartNumber>3</PartNumber>\n"
      "    <LastModified>2010-11-10T20:48:33.000Z</LastModified>\n"
      "    <ETag>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</ETag>\n"
      "    <Size> 10485760 </Size>\n"
      "  </Part>\n"
      "</ListPartsResult>";
  auto r = parse_list_parts(body);
  assert_true(r.has_value());
  assert_true(r->is_truncated);
  assert_int_equal(r->next_part_number_marker, 3);
  assert_int_equal(r->parts.size(), 2);
  assert_int_equal(r->parts[0].part_number, 2);
  assert_true(r->parts[0].size == 5368709120ULL);  // 5 GiB: beyond 32 bits
  expect_str(r->parts[0].etag, "\"7778aef83f66abc1fa1e8477f296d394\"");
  expect_str(r->parts[0].last_modified, "2010-11-10T20:48:34.000Z");
  assert_int_equal(r->parts[1].part_number, 3);
  assert_true(r->parts[1].size == 10485760ULL);
  expect_str(r->parts[1].etag, "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");

  // No parts, not truncated, no markers.
  r = parse_list_parts(
      "<ListPartsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated></ListPartsResult>");
  assert_true(r.has_value());
  assert_false(r->is_truncated);
  assert_int_equal(r->next_part_number_marker, 0);
  assert_int_equal(r->parts.size(), 0);

  // Largest uint64 is fine; one more, signs, garbage and fractions are not.
  r = parse_list_parts(
      "<ListPartsResult><Part><PartNumber>1</PartNumber><Size>18446744073709551615</Size></Part>"
      "</ListPartsResult>");
  assert_true(r.has_value());
  assert_true(r->parts[0].size == UINT64_MAX);
  const char *bad_sizes[] = {
      "18446744073709551616", "-1", "+1", "12x", "0x10", "1.5", "", " ", "1 2", "1e3"};
  for (const char *s : bad_sizes) {
    std::string b = "<ListPartsResult><Part><PartNumber>1</PartNumber><Size>" + std::string(s) +
                    "</Size></Part></ListPartsResult>";
    assert_false(parse_list_parts(b).has_value());
  }
  const char *bad_numbers[] = {"-1", "2147483648", "one", "", "1.0"};
  for (const char *s : bad_numbers) {
    std::string b = "<ListPartsResult><Part><PartNumber>" + std::string(s) +
                    "</PartNumber><Size>1</Size></Part></ListPartsResult>";
    assert_false(parse_list_parts(b).has_value());
  }
  assert_false(parse_list_parts("<ListPartsResult><Part><Size>1</Size></Part></ListPartsResult>")
                   .has_value());  // a part without its number
  assert_false(parse_list_parts("<ListPartsResult><IsTruncated>yes</IsTruncated></ListPartsResult>")
                   .has_value());
  assert_false(parse_list_parts("<ListPartsResult><NextPartNumberMarker>x</NextPartNumberMarker>"
                                "</ListPartsResult>")
                   .has_value());
  assert_false(parse_list_parts("<ListMultipartUploadsResult/>").has_value());
}

void test_list_uploads(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Bucket>bucket</Bucket>\n"
      "  <KeyMarker></KeyMarker>\n"
      "  <UploadIdMarker></UploadIdMarker>\n"
      "  <NextKeyMarker>my-movie.m2ts</NextKeyMarker>\n"
      "  <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>\n"
      "  <MaxUploads>3</MaxUploads>\n"
      "  <IsTruncated>true</IsTruncated>\n"
      "  <Upload>\n"
      "    <Key>my-divisor</Key>\n"
      "    <UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>\n"
      "    <Initiator><ID>arn:aws:iam::111122223333:user/user1</ID><DisplayName>user1"
      "</DisplayName></Initiator>\n"
      "    <StorageClass>STANDARD</StorageClass>\n"
      "    <Initiated>2010-11-10T20:48:33.000Z</Initiated>\n"
      "  </Upload>\n"
      "  <Upload>\n"
      "    <Key>my-movie.m2ts</Key>\n"
      "    <UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>\n"
      "    <Initiated>2010-11-10T20:48:33.000Z</Initiated>\n"
      "  </Upload>\n"
      "</ListMultipartUploadsResult>";
  auto r = parse_list_multipart_uploads(body);
  assert_true(r.has_value());
  assert_true(r->is_truncated);
  expect_str(r->next_key_marker, "my-movie.m2ts");
  expect_str(r->next_upload_id_marker, "YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ");
  assert_int_equal(r->uploads.size(), 2);
  expect_str(r->uploads[0].key, "my-divisor");
  expect_str(r->uploads[0].upload_id, "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw");
  expect_str(r->uploads[0].initiated, "2010-11-10T20:48:33.000Z");
  expect_str(r->uploads[1].key, "my-movie.m2ts");

  // encoding-type=url
  r = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><EncodingType>url</EncodingType>"
      "<NextKeyMarker>dir%2Fa+b</NextKeyMarker><IsTruncated>false</IsTruncated>"
      "<Upload><Key>dir/a+b%2Bc%C3%A9</Key><UploadId>u1</UploadId></Upload>"
      "</ListMultipartUploadsResult>");
  assert_true(r.has_value());
  assert_false(r->is_truncated);
  expect_str(r->next_key_marker, "dir/a b");
  expect_str(r->uploads[0].key, "dir/a b+c\xC3\xA9");

  assert_false(parse_list_multipart_uploads(
                   "<ListMultipartUploadsResult><EncodingType>url</EncodingType><Upload><Key>%G1"
                   "</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>")
                   .has_value());
  assert_false(parse_list_multipart_uploads("<ListMultipartUploadsResult><Upload><Key>k</Key>"
                                            "</Upload></ListMultipartUploadsResult>")
                   .has_value());  // no upload id
  assert_false(parse_list_multipart_uploads("<ListPartsResult/>").has_value());
  r = parse_list_multipart_uploads("<ListMultipartUploadsResult/>");
  assert_true(r.has_value());
  assert_int_equal(r->uploads.size(), 0);
}

// ---- listings -------------------------------------------------------------------------------

void test_list_objects(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Name>bucket</Name>\n"
      "  <Prefix/>\n"
      "  <KeyCount>205</KeyCount>\n"
      "  <MaxKeys>1000</MaxKeys>\n"
      "  <IsTruncated>false</IsTruncated>\n"
      "  <Contents>\n"
      "    <Key>my-image.jpg</Key>\n"
      "    <LastModified>2009-10-12T17:50:30.000Z</LastModified>\n"
      "    <ETag>\"fba9dede5f27731c9771645a39863328\"</ETag>\n"
      "    <Size>434234</Size>\n"
      "    <StorageClass>STANDARD</StorageClass>\n"
      "  </Contents>\n"
      "  <Contents>\n"
      "    <Key>backup &amp; &lt;old&gt; &quot;copy&quot; \xE2\x9C\x93.tar</Key>\n"
      "    <LastModified>2024-02-29T23:59:59.999Z</LastModified>\n"
      "    <ETag>&quot;9c8af9a76df052144598c115ef33e511-1024&quot;</ETag>\n"
      "    <Size>10737418240</Size>\n"
      "    <Owner><ID>x</ID></Owner>\n"
      "    <StorageClass>GLACIER</StorageClass>\n"
      "  </Contents>\n"
      "</ListBucketResult>";
  auto r = parse_list_objects_v2(body);
  assert_true(r.has_value());
  assert_false(r->is_truncated);
  assert_int_equal(r->key_count, 205);
  assert_int_equal(r->objects.size(), 2);
  expect_str(r->objects[0].key, "my-image.jpg");
  expect_str(r->objects[0].etag, "\"fba9dede5f27731c9771645a39863328\"");
  expect_str(r->objects[0].last_modified, "2009-10-12T17:50:30.000Z");
  expect_str(r->objects[0].storage_class, "STANDARD");
  assert_true(r->objects[0].size == 434234ULL);
  expect_str(r->objects[1].key, "backup & <old> \"copy\" \xE2\x9C\x93.tar");
  expect_str(r->objects[1].etag, "\"9c8af9a76df052144598c115ef33e511-1024\"");
  assert_true(r->objects[1].size == 10737418240ULL);  // 10 GiB
  expect_str(r->objects[1].storage_class, "GLACIER");
  assert_int_equal(r->common_prefixes.size(), 0);
  expect_str(r->next_continuation_token, "");

  // Delimiter listing, truncated, no namespace, KeyCount counting prefixes too.
  r = parse_list_objects_v2(
      "<ListBucketResult><Name>b</Name><Prefix>photos/</Prefix><KeyCount>3</KeyCount>"
      "<MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      "<Contents><Key>photos/a.jpg</Key><Size>0</Size></Contents>"
      "<CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>"
      "<CommonPrefixes><Prefix>photos/2007/</Prefix></CommonPrefixes></ListBucketResult>");
  assert_true(r.has_value());
  assert_true(r->is_truncated);
  assert_int_equal(r->key_count, 3);
  expect_str(r->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  assert_int_equal(r->objects.size(), 1);
  assert_true(r->objects[0].size == 0);
  expect_str(r->objects[0].etag, "");
  assert_int_equal(r->common_prefixes.size(), 2);
  expect_str(r->common_prefixes[0], "photos/2006/");
  expect_str(r->common_prefixes[1], "photos/2007/");

  // Without KeyCount it is computed.
  r = parse_list_objects_v2(
      "<ListBucketResult><Contents><Key>a</Key></Contents><Contents><Key>b</Key></Contents>"
      "<CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes></ListBucketResult>");
  assert_true(r.has_value());
  assert_int_equal(r->key_count, 3);

  r = parse_list_objects_v2(
      "<ListBucketResult><Name>empty</Name><KeyCount>0</KeyCount>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  assert_true(r.has_value());
  assert_int_equal(r->objects.size(), 0);
  assert_int_equal(r->key_count, 0);

  assert_false(parse_list_objects_v2("<ListBucketResult><Contents><Size>1</Size></Contents>"
                                     "</ListBucketResult>")
                   .has_value());  // no key
  assert_false(parse_list_objects_v2("<ListBucketResult><Contents><Key>a</Key><Size>-5</Size>"
                                     "</Contents></ListBucketResult>")
                   .has_value());
  assert_false(parse_list_objects_v2("<ListBucketResult><KeyCount>many</KeyCount>"
                                     "</ListBucketResult>")
                   .has_value());
  assert_false(parse_list_objects_v2("<ListBucketResult><IsTruncated>1</IsTruncated>"
                                     "</ListBucketResult>")
                   .has_value());
  assert_false(parse_list_objects_v2("<ListAllMyBucketsResult/>").has_value());
}

void test_list_objects_url_encoded(void **) {
  // What S3 sends for encoding-type=url: '+' for space, %XX for the rest, Prefix values too.
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>dir%2F</Prefix><KeyCount>4</KeyCount><MaxKeys>1000</MaxKeys>"
      "<Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>"
      "<IsTruncated>false</IsTruncated>"
      "<Contents><Key>dir/a+b%2Bc%25d%26e%3Cf%3E%22g%27</Key><Size>1</Size></Contents>"
      "<Contents><Key>dir/caf%C3%A9%E2%9C%93%F0%9F%98%80</Key><Size>2</Size></Contents>"
      "<Contents><Key>dir/line%0D%0Abreak%01</Key><Size>3</Size></Contents>"
      "<CommonPrefixes><Prefix>dir/sub+dir%2F/</Prefix></CommonPrefixes>"
      "</ListBucketResult>";
  auto r = parse_list_objects_v2(body);
  assert_true(r.has_value());
  assert_int_equal(r->objects.size(), 3);
  expect_str(r->objects[0].key, "dir/a b+c%d&e<f>\"g'");
  expect_str(r->objects[1].key, "dir/caf\xC3\xA9\xE2\x9C\x93\xF0\x9F\x98\x80");
  expect_str(r->objects[2].key, "dir/line\r\nbreak\x01");
  assert_int_equal(r->common_prefixes.size(), 1);
  expect_str(r->common_prefixes[0], "dir/sub dir//");

  // Without EncodingType, the same text is taken literally.
  r = parse_list_objects_v2(
      "<ListBucketResult><Contents><Key>a+b%20c</Key></Contents></ListBucketResult>");
  assert_true(r.has_value());
  expect_str(r->objects[0].key, "a+b%20c");

  // Broken escapes are refused, not guessed at.
  const char *bad[] = {"%", "a%2", "%zz", "%2G", "abc%"};
  for (const char *k : bad) {
    std::string b = "<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>" +
                    std::string(k) + "</Key></Contents></ListBucketResult>";
    assert_false(parse_list_objects_v2(b).has_value());
  }
  assert_false(parse_list_objects_v2("<ListBucketResult><EncodingType>url</EncodingType>"
                                     "<CommonPrefixes><Prefix>%x</Prefix></CommonPrefixes>"
                                     "</ListBucketResult>")
                   .has_value());
}

void test_list_buckets(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Owner><ID>bcaf1ffd86f461ca5fb16fd081034f</ID><DisplayName>webfile</DisplayName></Owner>\n"
      "  <Buckets>\n"
      "    <Bucket><Name>DOC-EXAMPLE-BUCKET</Name>"
      "<CreationDate>2019-12-11T23:32:47+00:00</CreationDate></Bucket>\n"
      "    <Bucket><Name>DOC-EXAMPLE-BUCKET2</Name>"
      "<CreationDate>2019-11-10T23:32:13+00:00</CreationDate></Bucket>\n"
      "  </Buckets>\n"
      "</ListAllMyBucketsResult>";
  auto r = parse_list_buckets(body);
  assert_true(r.has_value());
  assert_int_equal(r->size(), 2);
  expect_str((*r)[0].name, "DOC-EXAMPLE-BUCKET");
  expect_str((*r)[0].creation_date, "2019-12-11T23:32:47+00:00");
  expect_str((*r)[1].name, "DOC-EXAMPLE-BUCKET2");

  r = parse_list_buckets("<ListAllMyBucketsResult><Owner/><Buckets/></ListAllMyBucketsResult>");
  assert_true(r.has_value());
  assert_int_equal(r->size(), 0);
  r = parse_list_buckets("<ListAllMyBucketsResult/>");
  assert_true(r.has_value());
  assert_int_equal(r->size(), 0);
  assert_false(parse_list_buckets("<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>x"
                                  "</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>")
                   .has_value());
  assert_false(parse_list_buckets(kAwsError).has_value());
}

// ---- delete ---------------------------------------------------------------------------------

void test_build_delete(void **) {
  const std::vector<std::pair<std::string, std::string>> objects = {
      {"plain.txt", ""},
      {"a&b<c>d\"e'f", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"},
      {"caf\xC3\xA9/\xE2\x9C\x93 \xF0\x9F\x98\x80", ""},
      {"line\r\nbreak\ttab  ", ""},
      {"]]>&amp;", ""},
  };
  std::string xml = build_delete_objects(objects, true);
  Parsed p(xml);
  assert_string_equal(p.root->Name(), "Delete");
  assert_string_equal(p.root->Attribute("xmlns"), "http://s3.amazonaws.com/doc/2006-03-01/");
  expect_str(text(p.root, "Quiet"), "true");
  size_t i = 0;
  for (auto *o = p.root->FirstChildElement("Object"); o; o = o->NextSiblingElement("Object"), ++i) {
    assert_true(i < objects.size());
    expect_str(text(o, "Key"), objects[i].first.c_str());
    if (objects[i].second.empty()) {
      assert_null(o->FirstChildElement("VersionId"));
    } else {
      expect_str(text(o, "VersionId"), objects[i].second.c_str());
    }
  }
  assert_int_equal(i, objects.size());
  // CR survives a conforming parser only as a character reference.
  assert_true(xml.find('\r') == std::string::npos);
  assert_true(xml.find("&#13;") != std::string::npos);

  Parsed loud(build_delete_objects({{"k", ""}}, false));
  assert_null(loud.root->FirstChildElement("Quiet"));
  expect_str(text(loud.root->FirstChildElement("Object"), "Key"), "k");
}

void test_parse_delete(void **) {
  const char *body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Deleted><Key>sample1.txt</Key></Deleted>\n"
      "  <Deleted><Key>a &amp; b</Key><VersionId>v1</VersionId><DeleteMarker>true</DeleteMarker>"
      "<DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>\n"
      "  <Error>\n"
      "    <Key>sample2.txt</Key>\n"
      "    <Code>AccessDenied</Code>\n"
      "    <Message>Access Denied</Message>\n"
      "  </Error>\n"
      "</DeleteResult>";
  auto r = parse_delete_objects(body);
  assert_true(r.has_value());
  assert_int_equal(r->deleted.size(), 2);
  expect_str(r->deleted[0], "sample1.txt");
  expect_str(r->deleted[1], "a & b");
  assert_int_equal(r->errors.size(), 1);
  expect_str(r->errors[0].first, "sample2.txt");
  expect_str(r->errors[0].second.code, "AccessDenied");
  expect_str(r->errors[0].second.message, "Access Denied");

  r = parse_delete_objects("<DeleteResult/>");  // quiet and all deleted
  assert_true(r.has_value());
  assert_int_equal(r->deleted.size(), 0);
  assert_int_equal(r->errors.size(), 0);
  assert_false(parse_delete_objects("<DeleteResult><Deleted><VersionId>v</VersionId></Deleted>"
                                    "</DeleteResult>")
                   .has_value());
  assert_false(parse_delete_objects("<Delete/>").has_value());
}

void test_create_bucket(void **) {
  assert_true(build_create_bucket("").empty());
  assert_true(build_create_bucket("us-east-1").empty());
  Parsed p(build_create_bucket("eu-west-1"));
  assert_string_equal(p.root->Name(), "CreateBucketConfiguration");
  assert_string_equal(p.root->Attribute("xmlns"), "http://s3.amazonaws.com/doc/2006-03-01/");
  expect_str(text(p.root, "LocationConstraint"), "eu-west-1");
  Parsed odd(build_create_bucket("a<b&c"));
  expect_str(text(odd.root, "LocationConstraint"), "a<b&c");
}

void test_normalize_etag(void **) {
  expect_str(normalize_etag(""), "");
  expect_str(normalize_etag("   "), "");
  expect_str(normalize_etag("\"\""), "");
  expect_str(normalize_etag("abc"), "\"abc\"");
  expect_str(normalize_etag("\"abc\""), "\"abc\"");
  expect_str(normalize_etag(" \n\"abc-12\"\t"), "\"abc-12\"");
  expect_str(normalize_etag("  abc  "), "\"abc\"");
  expect_str(normalize_etag("\"abc"), "\"abc\"");
  expect_str(normalize_etag("abc\""), "\"abc\"");
}

// ---- hostile input --------------------------------------------------------------------------

// Runs every parser on the body (none may crash) and counts the ones that accepted it.
int parse_all_count(std::string_view body) {
  int n = 0;
  n += parse_error(body).has_value();
  n += body_is_error(body);
  n += parse_initiate_multipart(body).has_value();
  n += parse_complete_multipart(body).has_value();
  n += parse_copy_object(body).has_value();
  n += parse_copy_part(body).has_value();
  n += parse_list_parts(body).has_value();
  n += parse_list_multipart_uploads(body).has_value();
  n += parse_list_objects_v2(body).has_value();
  n += parse_list_buckets(body).has_value();
  n += parse_delete_objects(body).has_value();
  return n;
}

void test_truncated_bodies(void **) {
  const char *bodies[] = {
      kAwsError,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><KeyCount>1</"
      "KeyCount><IsTruncated>false</IsTruncated>"
      "<Contents><Key>k &amp; &#x263A;</Key><Size>5368709120</Size><ETag>&quot;e&quot;</ETag>"
      "</Contents></ListBucketResult>",
      "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"e-2\"</ETag>"
      "</CompleteMultipartUploadResult>",
      "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
      "<Size>10</Size></Part></ListPartsResult>",
      "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code>"
      "</Error></DeleteResult>",
  };
  for (const char *full : bodies) {
    std::string_view b(full);
    // The whole body is accepted by its own parser only (an error also by body_is_error).
    assert_int_equal(parse_all_count(b), full == kAwsError ? 2 : 1);
    // Every strict prefix (a body cut short on the wire) is rejected by every parser.
    for (size_t len = 0; len < b.size(); ++len) {
      assert_int_equal(parse_all_count(b.substr(0, len)), 0);
    }
  }
}

void test_malformed(void **) {
  const char *bad[] = {
      "",
      " ",
      "not xml at all",
      "<",
      "<>",
      "<?xml version=\"1.0\"?>",
      "<Error>",
      "<Error><Code>x</Code></Error2>",
      "<Error><Code>x</Error></Code>",
      "<Error><Code>x</Code></Error>trailing",
      "<Error/><Error/>",                        // two roots
      "<ListBucketResult/><ListBucketResult/>",  // two roots
      "<ListBucketResult a=\"1\" a=\"2\"/>",     // duplicate attribute
      "<ListBucketResult><Contents><Key>a</Contents></ListBucketResult>",
      "\xEF\xBB\xBF<Error><Code>bom is fine</Code>",  // BOM then truncation
      "<!-- only a comment -->",
      "<html><body><h1>502 Bad Gateway</h1></body></html>",
      "{\"message\":\"json\"}",
  };
  for (const char *b : bad) assert_int_equal(parse_all_count(b), 0);

  // A NUL byte hides the rest of a body from tinyxml2: refused outright.
  const char nul_after[] = "<Error><Code>x</Code></Error>\0<garbage";
  std::string nul(nul_after, sizeof(nul_after) - 1);
  assert_int_equal(parse_all_count(nul), 0);
  const char nul_inside[] = "<ListBucketResult>\0</ListBucketResult>";
  std::string nul2(nul_inside, sizeof(nul_inside) - 1);
  assert_int_equal(parse_all_count(nul2), 0);

  // Deep nesting must not blow the stack.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  assert_int_equal(parse_all_count(deep), 0);
  std::string deep_closed = "<ListBucketResult>";
  for (int i = 0; i < 5000; ++i) deep_closed += "<a>";
  for (int i = 0; i < 5000; ++i) deep_closed += "</a>";
  deep_closed += "</ListBucketResult>";
  parse_all_count(deep_closed);  // any answer, no crash

  // Entity expansion is not done (no billion laughs); unknown entities don't crash.
  const char *lol =
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
      "<Error><Code>&b;</Code></Error>";
  auto e = parse_error(lol);
  if (e) assert_true(e->code.size() < 100);
  parse_error("<Error><Code>&#xFFFFFFFF;&#0;&#;&bogus;&</Code></Error>");

  // Pseudo-random bytes with XML-ish pieces: no crash, and nothing "parses" as a result.
  uint32_t seed = 12345;
  const char *pieces[] = {"<",     ">",   "/",         "Error", "Key", "ListBucketResult",
                          "&amp;", "\"",  "<![CDATA[", "]]>",   "<?",  "?>",
                          "<!--",  "-->", "=",         " ",     "x"};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    int n = 1 + static_cast<int>(seed % 40);
    for (int i = 0; i < n; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
    }
    parse_all_count(s);
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_aws),      cmocka_unit_test(test_error_swift),
      cmocka_unit_test(test_error_radosgw),  cmocka_unit_test(test_error_in_200),
      cmocka_unit_test(test_initiate),       cmocka_unit_test(test_build_complete),
      cmocka_unit_test(test_parse_complete), cmocka_unit_test(test_copy),
      cmocka_unit_test(test_list_parts),     cmocka_unit_test(test_list_uploads),
      cmocka_unit_test(test_list_objects),   cmocka_unit_test(test_list_objects_url_encoded),
      cmocka_unit_test(test_list_buckets),   cmocka_unit_test(test_build_delete),
      cmocka_unit_test(test_parse_delete),   cmocka_unit_test(test_create_bucket),
      cmocka_unit_test(test_normalize_etag), cmocka_unit_test(test_truncated_bodies),
      cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
