// test_checksum.cc: unit tests for s3/checksum: known answers, reference CRCs, combine, streaming,
// multipart (COMPOSITE / FULL_OBJECT) values. Expected values come from Python's zlib, hashlib
// and crcmod, hard-coded here.
// cmocka needs these first, in this order; its header has no extern "C" of its own.
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "s3/checksum.h"
#include "s3/crypto.h"

using xfer::s3::ChecksumAlgorithm;
namespace s3 = xfer::s3;

// Sanitizers shadow every address our own code reads: 4 GiB of distinct addresses would cost
// 0.5 (ASan) to 8+ (TSan) GiB of shadow memory and minutes. ISA-L's assembly is not instrumented.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define XFER_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define XFER_TEST_SANITIZED 1
#endif
#endif
#ifndef XFER_TEST_SANITIZED
#define XFER_TEST_SANITIZED 0
#endif

namespace {

constexpr ChecksumAlgorithm kCrcs[] = {ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c,
                                       ChecksumAlgorithm::Crc64Nvme};
constexpr ChecksumAlgorithm kAll[] = {ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c,
                                      ChecksumAlgorithm::Crc64Nvme, ChecksumAlgorithm::Sha1,
                                      ChecksumAlgorithm::Sha256};

// The same generator as the Python script that produced the hard-coded values:
// x = x * 1664525 + 1013904223 (mod 2^32), byte = x >> 24.
std::string lcg_bytes(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

// Slow bitwise reference for a reflected CRC with init = xorout = all ones.
template <typename T>
T ref_crc(T poly, const void *data, size_t len, T crc = 0) {
  const auto *p = static_cast<const unsigned char *>(data);
  crc = static_cast<T>(~crc);
  for (size_t i = 0; i < len; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<T>((crc >> 1) ^ poly) : crc >> 1;
  }
  return static_cast<T>(~crc);
}

uint32_t ref_crc32(const void *d, size_t n) {
  return ref_crc<uint32_t>(0xEDB88320u, d, n);
}
uint32_t ref_crc32c(const void *d, size_t n) {
  return ref_crc<uint32_t>(0x82F63B78u, d, n);
}
uint64_t ref_crc64nvme(const void *d, size_t n) {
  return ref_crc<uint64_t>(0x9A6C9329AC4BC9B5ull, d, n);
}

// Dispatch helpers over the three CRCs.
uint64_t crc_update(ChecksumAlgorithm alg, uint64_t crc, const void *d, size_t n) {
  switch (alg) {
    case ChecksumAlgorithm::Crc32:
      return s3::crc32_update(static_cast<uint32_t>(crc), d, n);
    case ChecksumAlgorithm::Crc32c:
      return s3::crc32c_update(static_cast<uint32_t>(crc), d, n);
    case ChecksumAlgorithm::Crc64Nvme:
      return s3::crc64nvme_update(crc, d, n);
    default:
      fail_msg("not a CRC");
      return 0;
  }
}

uint64_t crc_combine(ChecksumAlgorithm alg, uint64_t a, uint64_t b, uint64_t len_b) {
  switch (alg) {
    case ChecksumAlgorithm::Crc32:
      return s3::crc32_combine(static_cast<uint32_t>(a), static_cast<uint32_t>(b), len_b);
    case ChecksumAlgorithm::Crc32c:
      return s3::crc32c_combine(static_cast<uint32_t>(a), static_cast<uint32_t>(b), len_b);
    case ChecksumAlgorithm::Crc64Nvme:
      return s3::crc64nvme_combine(a, b, len_b);
    default:
      fail_msg("not a CRC");
      return 0;
  }
}

std::string one_shot_raw(ChecksumAlgorithm alg, const std::string &data) {
  s3::Checksum c(alg);
  c.update(data.data(), data.size());
  return c.raw();
}

struct KnownAnswer {
  ChecksumAlgorithm alg;
  const char *input;
  const char *hex;
  const char *base64;
};

const KnownAnswer kKnown[] = {
    {ChecksumAlgorithm::Crc32, "", "00000000", "AAAAAA=="},
    {ChecksumAlgorithm::Crc32c, "", "00000000", "AAAAAA=="},
    {ChecksumAlgorithm::Crc64Nvme, "", "0000000000000000", "AAAAAAAAAAA="},
    {ChecksumAlgorithm::Sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
     "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
    {ChecksumAlgorithm::Sha256, "",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    {ChecksumAlgorithm::Crc32, "123456789", "cbf43926", "y/Q5Jg=="},
    {ChecksumAlgorithm::Crc32c, "123456789", "e3069283", "4waSgw=="},
    {ChecksumAlgorithm::Crc64Nvme, "123456789", "ae8b14860a799888", "rosUhgp5mIg="},
    {ChecksumAlgorithm::Sha1, "123456789", "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
     "98O8HYCOBHMq32eZZczDTKeuNEE="},
    {ChecksumAlgorithm::Sha256, "123456789",
     "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
     "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="},
    // "Hello world": the CRC32 value is the one in the S3 user guide's checksum examples.
    {ChecksumAlgorithm::Crc32, "Hello world", "8bd69e52", "i9aeUg=="},
    {ChecksumAlgorithm::Crc32c, "Hello world", "72b51f78", "crUfeA=="},
    {ChecksumAlgorithm::Crc64Nvme, "Hello world", "38e259d03f312adb", "OOJZ0D8xKts="},
    {ChecksumAlgorithm::Sha1, "Hello world", "7b502c3a1f48c8609ae212cdfb639dee39673f5e",
     "e1AsOh9IyGCa4hLN+2Od7jlnP14="},
    {ChecksumAlgorithm::Sha256, "Hello world",
     "64ec88ca00b268e5ba1a35678a1b5316d212f4f366b2477232534a8aeca37f3c",
     "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="},
    {ChecksumAlgorithm::Crc32, "The quick brown fox jumps over the lazy dog", "414fa339",
     "QU+jOQ=="},
    {ChecksumAlgorithm::Crc32c, "The quick brown fox jumps over the lazy dog", "22620404",
     "ImIEBA=="},
    {ChecksumAlgorithm::Crc64Nvme, "The quick brown fox jumps over the lazy dog",
     "d76c54054954c143", "12xUBUlUwUM="},
    {ChecksumAlgorithm::Sha1, "The quick brown fox jumps over the lazy dog",
     "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", "L9ThxnotKPzthJ7hu3bnORuT6xI="},
    {ChecksumAlgorithm::Sha256, "The quick brown fox jumps over the lazy dog",
     "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
     "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI="},
};

void test_known_answers(void **) {
  for (const auto &k : kKnown) {
    s3::Checksum c(k.alg);
    c.update(k.input, strlen(k.input));
    assert_string_equal(s3::hex_encode(c.raw()).c_str(), k.hex);
    assert_string_equal(c.base64().c_str(), k.base64);
    assert_int_equal(c.length(), strlen(k.input));
    assert_int_equal(c.raw().size(), s3::checksum_raw_size(k.alg));
    auto decoded = s3::base64_decode(k.base64);
    assert_true(decoded.has_value());
    assert_true(*decoded == c.raw());
    if (s3::checksum_is_crc(k.alg)) {
      assert_int_equal(c.crc(), strtoull(k.hex, nullptr, 16));
    } else {
      assert_int_equal(c.crc(), 0);
    }
  }
  // The bare update functions, with the catalogue check values.
  const char *check = "123456789";
  assert_int_equal(s3::crc32_update(0, check, 9), 0xCBF43926u);
  assert_int_equal(s3::crc32c_update(0, check, 9), 0xE3069283u);
  assert_int_equal(s3::crc64nvme_update(0, check, 9), 0xAE8B14860A799888ull);
  assert_int_equal(s3::crc32_update(0, nullptr, 0), 0);
  assert_int_equal(s3::crc32c_update(0, nullptr, 0), 0);
  assert_int_equal(s3::crc64nvme_update(0, nullptr, 0), 0);
  assert_int_equal(s3::crc32c_update(0x12345678u, nullptr, 0), 0x12345678u);
  // The test's own references agree with the catalogue too.
  assert_int_equal(ref_crc32(check, 9), 0xCBF43926u);
  assert_int_equal(ref_crc32c(check, 9), 0xE3069283u);
  assert_int_equal(ref_crc64nvme(check, 9), 0xAE8B14860A799888ull);

  s3::Checksum none(ChecksumAlgorithm::None);
  none.update("abc", 3);
  assert_true(none.raw().empty());
  assert_true(none.base64().empty());
  assert_int_equal(none.length(), 3);
}

// Every length 0..600 at every alignment 0..7, and continuation from a non-zero CRC, against
// the slow bitwise references.
void test_reference_crosscheck(void **) {
  const std::string data = lcg_bytes(4096 + 8, 99);
  for (size_t off = 0; off < 8; ++off) {
    for (size_t len = 0; len <= 600; ++len) {
      const char *p = data.data() + off;
      assert_int_equal(s3::crc32_update(0, p, len), ref_crc32(p, len));
      assert_int_equal(s3::crc32c_update(0, p, len), ref_crc32c(p, len));
      assert_int_equal(s3::crc64nvme_update(0, p, len), ref_crc64nvme(p, len));
    }
  }
  // Longer buffers exercise the wide paths (ISA-L and the CRC-64 PCLMULQDQ code fold 64 to 128
  // bytes a step, then 16-byte blocks, then a tail).
  for (size_t len = 601; len <= 2200; ++len) {
    const char *p = data.data() + len % 8;
    assert_int_equal(s3::crc32_update(0, p, len), ref_crc32(p, len));
    assert_int_equal(s3::crc32c_update(0, p, len), ref_crc32c(p, len));
    assert_int_equal(s3::crc64nvme_update(0, p, len), ref_crc64nvme(p, len));
  }
  for (size_t len : {4095u, 4096u}) {
    const char *p = data.data() + 3;
    assert_int_equal(s3::crc32_update(0, p, len), ref_crc32(p, len));
    assert_int_equal(s3::crc32c_update(0, p, len), ref_crc32c(p, len));
    assert_int_equal(s3::crc64nvme_update(0, p, len), ref_crc64nvme(p, len));
    // Continuing from a non-zero CRC through the wide paths.
    assert_int_equal(s3::crc64nvme_update(s3::crc64nvme_update(0, p, 5), p + 5, len - 5),
                     ref_crc64nvme(p, len));
    assert_int_equal(s3::crc32c_update(s3::crc32c_update(0, p, 5), p + 5, len - 5),
                     ref_crc32c(p, len));
  }
  // update(update(0, A), B) == crc(A||B) for every split of a short buffer.
  const size_t n = 300;
  for (size_t split = 0; split <= n; ++split) {
    const char *p = data.data();
    assert_int_equal(s3::crc32_update(s3::crc32_update(0, p, split), p + split, n - split),
                     ref_crc32(p, n));
    assert_int_equal(s3::crc32c_update(s3::crc32c_update(0, p, split), p + split, n - split),
                     ref_crc32c(p, n));
    assert_int_equal(s3::crc64nvme_update(s3::crc64nvme_update(0, p, split), p + split, n - split),
                     ref_crc64nvme(p, n));
  }
}

// Feeding random chunk sizes (including empty and 1-byte chunks), with raw() read between
// updates, gives the one-shot digest.
void test_incremental_random_chunks(void **) {
  const std::string data = lcg_bytes((1 << 20) + 13, 5);
  std::mt19937_64 rng(12345);
  for (ChecksumAlgorithm alg : kAll) {
    const std::string want = one_shot_raw(alg, data);
    for (int round = 0; round < 4; ++round) {
      s3::Checksum c(alg);
      size_t pos = 0;
      int peeks = 0;
      while (pos < data.size()) {
        size_t n;
        switch (rng() % 4) {
          case 0:
            n = 0;
            break;
          case 1:
            n = 1 + rng() % 7;
            break;
          case 2:
            n = rng() % 4096;
            break;
          default:
            n = rng() % 200000;
            break;
        }
        if (n > data.size() - pos) n = data.size() - pos;
        c.update(data.data() + pos, n);
        pos += n;
        assert_int_equal(c.length(), pos);
        if (peeks < 20 && rng() % 8 == 0) {
          // raw() must not end the stream.
          ++peeks;
          assert_true(c.raw() == one_shot_raw(alg, data.substr(0, pos)));
        }
      }
      assert_true(c.raw() == want);
      assert_true(c.raw() == want);  // idempotent
    }
  }
}

void test_copy_and_move(void **) {
  for (ChecksumAlgorithm alg : kAll) {
    s3::Checksum a(alg);
    a.update("Hello ", 6);
    s3::Checksum b = a;  // copy continues independently
    a.update("world", 5);
    b.update("there", 5);
    assert_true(a.raw() == one_shot_raw(alg, "Hello world"));
    assert_true(b.raw() == one_shot_raw(alg, "Hello there"));
    assert_int_equal(b.length(), 11);

    s3::Checksum c(ChecksumAlgorithm::None);
    c = a;  // copy-assign across algorithms
    assert_true(c.algorithm() == alg);
    c.update("!", 1);
    assert_true(c.raw() == one_shot_raw(alg, "Hello world!"));
    assert_true(a.raw() == one_shot_raw(alg, "Hello world"));

    s3::Checksum d(std::move(c));
    d.update("?", 1);
    assert_true(d.raw() == one_shot_raw(alg, "Hello world!?"));
    s3::Checksum e(ChecksumAlgorithm::Sha1);
    e = std::move(d);
    assert_true(e.raw() == one_shot_raw(alg, "Hello world!?"));
    s3::Checksum &self = e;
    e = self;  // self-assignment keeps the state
    assert_true(e.raw() == one_shot_raw(alg, "Hello world!?"));
  }
}

// combine(crc(A), crc(B), len(B)) == crc(A||B) for random splits, empty A and empty B.
void test_combine_random_splits(void **) {
  const std::string data = lcg_bytes(70000, 77);
  std::mt19937_64 rng(777);
  for (ChecksumAlgorithm alg : kCrcs) {
    const uint64_t whole = crc_update(alg, 0, data.data(), data.size());
    std::vector<size_t> splits = {0, 1, 7, 8, 64, data.size() - 1, data.size()};
    for (int i = 0; i < 200; ++i) splits.push_back(rng() % (data.size() + 1));
    for (size_t s : splits) {
      const uint64_t a = crc_update(alg, 0, data.data(), s);
      const uint64_t b = crc_update(alg, 0, data.data() + s, data.size() - s);
      assert_int_equal(crc_combine(alg, a, b, data.size() - s), whole);
    }
    // Three-way splits in both association orders.
    for (int i = 0; i < 100; ++i) {
      size_t x = rng() % (data.size() + 1), y = rng() % (data.size() + 1);
      if (x > y) std::swap(x, y);
      const uint64_t a = crc_update(alg, 0, data.data(), x);
      const uint64_t b = crc_update(alg, 0, data.data() + x, y - x);
      const uint64_t c = crc_update(alg, 0, data.data() + y, data.size() - y);
      assert_int_equal(crc_combine(alg, crc_combine(alg, a, b, y - x), c, data.size() - y), whole);
      assert_int_equal(
          crc_combine(alg, a, crc_combine(alg, b, c, data.size() - y), data.size() - x), whole);
    }
    // len_b == 0: B is empty, its CRC is 0, and A comes back unchanged.
    assert_int_equal(crc_combine(alg, whole, 0, 0), whole);
    assert_int_equal(crc_combine(alg, 0, whole, data.size()), whole);
    assert_int_equal(crc_combine(alg, 0, 0, 0), 0);
  }
}

// Combine is associative for any lengths, up to 2^62 bytes: checks the high x^(2^k) entries.
void test_combine_huge_lengths_associative(void **) {
  std::mt19937_64 rng(4242);
  for (ChecksumAlgorithm alg : kCrcs) {
    const uint64_t mask = alg == ChecksumAlgorithm::Crc64Nvme ? ~0ull : 0xFFFFFFFFull;
    for (int i = 0; i < 200; ++i) {
      const uint64_t a = rng() & mask, b = rng() & mask, c = rng() & mask;
      const uint64_t lb = rng() >> (2 + rng() % 60), lc = rng() >> (2 + rng() % 60);
      const uint64_t left = crc_combine(alg, crc_combine(alg, a, b, lb), c, lc);
      const uint64_t right = crc_combine(alg, a, crc_combine(alg, b, c, lc), lb + lc);
      assert_int_equal(left, right);
    }
    // The top of the length range: (2^63 + 2^63 - 1) bytes, both ways.
    const uint64_t a = 0x1234567 & mask, b = 0x89abcdef & mask, c = 0x0f0f0f0f & mask;
    const uint64_t lb = 1ull << 63, lc = (1ull << 63) - 1;
    assert_int_equal(crc_combine(alg, crc_combine(alg, a, b, lb), c, lc),
                     crc_combine(alg, a, crc_combine(alg, b, c, lc), lb + lc));
  }
}

// 4 GiB + 7 bytes (a 1 MiB block 4096 times, then its first 7 bytes): streamed one pass, and
// built by doubling with combine, both against values from Python (zlib.crc32, crcmod).
void test_combine_large_object(void **) {
  const std::string block = lcg_bytes(1 << 20, 7);
  const uint64_t want[] = {0x430eaae1ull, 0x8b68e76eull, 0xddc08eb7f676da07ull};
  const uint64_t total = (4096ull << 20) + 7;
  for (size_t i = 0; i < 3; ++i) {
    const ChecksumAlgorithm alg = kCrcs[i];
    // Combine: block^(2^k) from block^(2^(k-1)) twice.
    uint64_t crc = crc_update(alg, 0, block.data(), block.size());
    uint64_t len = block.size();
    for (int k = 0; k < 12; ++k) {
      crc = crc_combine(alg, crc, crc, len);
      len *= 2;
    }
    crc = crc_combine(alg, crc, crc_update(alg, 0, block.data(), 7), 7);
    assert_int_equal(len + 7, total);
    assert_int_equal(crc, want[i]);

    // The same object as 4096 parts of 1 MiB and one of 7 bytes, as FULL_OBJECT would.
    std::vector<std::pair<uint64_t, uint64_t>> parts(
        4096, {crc_update(alg, 0, block.data(), block.size()), block.size()});
    parts.push_back({crc_update(alg, 0, block.data(), 7), 7});
    std::string raw_want(s3::checksum_raw_size(alg), '\0');
    for (size_t j = 0; j < raw_want.size(); ++j) {
      raw_want[raw_want.size() - 1 - j] = static_cast<char>(want[i] >> (8 * j));
    }
    assert_string_equal(s3::full_object_crc_base64(alg, parts).c_str(),
                        s3::base64_encode(raw_want).c_str());

    // One pass through Checksum: length() passes 2^32.
    s3::Checksum c(alg);
    for (int j = 0; j < 4096; ++j) c.update(block.data(), block.size());
    c.update(block.data(), 7);
    assert_int_equal(c.length(), total);
    assert_int_equal(c.crc(), want[i]);
    assert_true(c.raw() == raw_want);
  }
}

// One update call over 4 GiB + 7 bytes: past INT_MAX (ISA-L's crc32_iscsi takes an int length)
// and past 2^32. The object of test_combine_large_object, laid out in address space by mapping
// one 1 MiB memfd 4097 times, so it costs 1 MiB of memory. Same values from Python.
void test_single_call_over_4gib(void **) {
  const size_t block_size = 1 << 20, copies = 4097;
  const size_t len = (4096ull << 20) + 7;
  const std::string block = lcg_bytes(block_size, 7);
  const int fd = memfd_create("test_checksum", 0);
  if (fd < 0) {
    skip();
    return;
  }
  assert_int_equal(write(fd, block.data(), block.size()), static_cast<ssize_t>(block.size()));
  void *base = mmap(nullptr, block_size * copies, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    close(fd);
    skip();
    return;
  }
  auto *bytes = static_cast<unsigned char *>(base);
  for (size_t i = 0; i < copies; ++i) {
    void *at = mmap(bytes + i * block_size, block_size, PROT_READ,
                    MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0);
    assert_true(at == bytes + i * block_size);
  }
  close(fd);
  assert_memory_equal(bytes + 4095 * block_size, block.data(), block_size);
  const uint64_t want[] = {0x430eaae1ull, 0x8b68e76eull, 0xddc08eb7f676da07ull};
  for (size_t i = 0; i < 3; ++i) {
    if (XFER_TEST_SANITIZED && kCrcs[i] == ChecksumAlgorithm::Crc64Nvme) continue;
    assert_int_equal(crc_update(kCrcs[i], 0, bytes, len), want[i]);
  }
  munmap(base, block_size * copies);
}

// COMPOSITE and FULL_OBJECT values for a 3-part object (1000 + 2000 + 777 bytes), from Python:
// composite = base64(hash(concat raw part digests)) + "-3"; full = base64(hash(whole object)).
void test_multipart_checksums(void **) {
  const std::string data = lcg_bytes(3777, 1);
  const std::string parts[] = {data.substr(0, 1000), data.substr(1000, 2000), data.substr(3000)};
  struct Expect {
    ChecksumAlgorithm alg;
    const char *composite;
    const char *full;
  };
  const Expect expect[] = {
      {ChecksumAlgorithm::Crc32, "FTR8ig==-3", "nSz4sA=="},
      {ChecksumAlgorithm::Crc32c, "pfxamw==-3", "D+YDFA=="},
      {ChecksumAlgorithm::Crc64Nvme, "AzMkd+qKzkk=-3", "BUIqafPeyC0="},
      {ChecksumAlgorithm::Sha1, "hVkwb8LIrXg56MUkHUVFsqbbLMc=-3", "lFiRvoJYYd+D1oWmzKpxusEXR9c="},
      {ChecksumAlgorithm::Sha256, "Za0KXwBR1BewInDuT7ljsX/NQ9zx2Gpf6F4Y5qF8hes=-3",
       "VXTp2W2YDglQn075FwsyIEjAG8vsJWjfS0Bau77hpok="},
  };
  for (const auto &e : expect) {
    std::vector<std::string> digests;
    std::vector<std::pair<uint64_t, uint64_t>> crcs;
    for (const auto &p : parts) {
      s3::Checksum c(e.alg);
      c.update(p.data(), p.size());
      digests.push_back(c.raw());
      crcs.push_back({c.crc(), c.length()});
    }
    assert_string_equal(s3::composite_checksum(e.alg, digests).c_str(), e.composite);
    s3::Checksum whole(e.alg);
    whole.update(data.data(), data.size());
    assert_string_equal(whole.base64().c_str(), e.full);
    if (s3::checksum_is_crc(e.alg)) {
      assert_string_equal(s3::full_object_crc_base64(e.alg, crcs).c_str(), e.full);
      // An empty part in the middle changes nothing.
      crcs.insert(crcs.begin() + 1, {0, 0});
      assert_string_equal(s3::full_object_crc_base64(e.alg, crcs).c_str(), e.full);
    }
  }
  assert_string_equal(s3::full_object_crc_base64(ChecksumAlgorithm::Crc32, {}).c_str(), "AAAAAA==");
  assert_string_equal(s3::full_object_crc_base64(ChecksumAlgorithm::Crc64Nvme, {}).c_str(),
                      "AAAAAAAAAAA=");

  // Misuse is reported, not silently hashed.
  bool threw = false;
  try {
    s3::composite_checksum(ChecksumAlgorithm::Crc32, {std::string(4, 'a'), std::string(8, 'b')});
  } catch (const std::invalid_argument &) {
    threw = true;
  }
  assert_true(threw);
  threw = false;
  try {
    s3::composite_checksum(ChecksumAlgorithm::None, {});
  } catch (const std::invalid_argument &) {
    threw = true;
  }
  assert_true(threw);
  for (ChecksumAlgorithm alg :
       {ChecksumAlgorithm::Sha1, ChecksumAlgorithm::Sha256, ChecksumAlgorithm::None}) {
    threw = false;
    try {
      s3::full_object_crc_base64(alg, {{1, 1}});
    } catch (const std::invalid_argument &) {
      threw = true;
    }
    assert_true(threw);
    threw = false;
    try {
      s3::full_object_crc_base64(alg, {});
    } catch (const std::invalid_argument &) {
      threw = true;
    }
    assert_true(threw);
  }
}

void test_names(void **) {
  struct Name {
    ChecksumAlgorithm alg;
    const char *name, *lower, *header, *xml;
    size_t size;
    bool crc;
  };
  const Name names[] = {
      {ChecksumAlgorithm::None, "NONE", "none", "", "", 0, false},
      {ChecksumAlgorithm::Crc32, "CRC32", "crc32", "x-amz-checksum-crc32", "ChecksumCRC32", 4,
       true},
      {ChecksumAlgorithm::Crc32c, "CRC32C", "crc32c", "x-amz-checksum-crc32c", "ChecksumCRC32C", 4,
       true},
      {ChecksumAlgorithm::Crc64Nvme, "CRC64NVME", "crc64nvme", "x-amz-checksum-crc64nvme",
       "ChecksumCRC64NVME", 8, true},
      {ChecksumAlgorithm::Sha1, "SHA1", "sha1", "x-amz-checksum-sha1", "ChecksumSHA1", 20, false},
      {ChecksumAlgorithm::Sha256, "SHA256", "sha256", "x-amz-checksum-sha256", "ChecksumSHA256", 32,
       false},
  };
  for (const auto &n : names) {
    assert_true(s3::parse_checksum_algorithm(n.name) == n.alg);
    assert_true(s3::parse_checksum_algorithm(n.lower) == n.alg);
    std::string mixed = n.lower;
    mixed[0] = static_cast<char>(mixed[0] - 'a' + 'A');
    assert_true(s3::parse_checksum_algorithm(mixed) == n.alg);
    assert_string_equal(s3::checksum_name(n.alg), n.name);
    assert_true(s3::parse_checksum_algorithm(s3::checksum_name(n.alg)) == n.alg);
    assert_string_equal(s3::checksum_header(n.alg), n.header);
    assert_string_equal(s3::checksum_xml_element(n.alg), n.xml);
    assert_int_equal(s3::checksum_raw_size(n.alg), n.size);
    assert_int_equal(s3::checksum_is_crc(n.alg), n.crc);
    assert_int_equal(s3::Checksum(n.alg).raw().size(), n.size);
  }
  for (const char *bad : {"", "CRC", "CRC32 ", " CRC32", "CRC-32", "SHA-256", "crc64", "MD5",
                          "CRC32CC", "SHA256\n"}) {
    assert_false(s3::parse_checksum_algorithm(bad).has_value());
  }
  assert_false(s3::parse_checksum_algorithm(std::string_view("CRC32\0", 6)).has_value());
  assert_string_equal(s3::format_checksum_result(ChecksumAlgorithm::Crc32, "AAAAAA==").c_str(),
                      "CRC32:AAAAAA==");
  assert_string_equal(
      s3::format_checksum_result(ChecksumAlgorithm::Crc64Nvme, "OOJZ0D8xKts=").c_str(),
      "CRC64NVME:OOJZ0D8xKts=");
}

// Not a test: prints throughput so regressions are visible in the log. No timing assertions.
void print_throughput() {
  const std::string buf = lcg_bytes(16 << 20, 3);
  for (ChecksumAlgorithm alg : kAll) {
    s3::Checksum c(alg);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 16; ++i) c.update(buf.data(), buf.size());
    const std::string raw = c.raw();
    const std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;
    printf("# %-9s over 256 MiB: %8.0f MB/s\n", s3::checksum_name(alg),
           256.0 * 1048576.0 / 1e6 / secs.count());
  }
}

}  // namespace

// Usage: test_checksum [name pattern], e.g. test_checksum 'test_combine*'.
int main(int argc, char **argv) {
  if (argc > 1) cmocka_set_test_filter(argv[1]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_answers),
      cmocka_unit_test(test_reference_crosscheck),
      cmocka_unit_test(test_incremental_random_chunks),
      cmocka_unit_test(test_copy_and_move),
      cmocka_unit_test(test_combine_random_splits),
      cmocka_unit_test(test_combine_huge_lengths_associative),
      cmocka_unit_test(test_combine_large_object),
      cmocka_unit_test(test_single_call_over_4gib),
      cmocka_unit_test(test_multipart_checksums),
      cmocka_unit_test(test_names),
  };
  const int failed = cmocka_run_group_tests(tests, nullptr, nullptr);
  if (failed == 0 && argc == 1) print_throughput();
  return failed;
}
