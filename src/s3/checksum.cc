// checksum.cc: S3 flexible checksums: ISA-L CRCs, our CRC-64/NVME, OpenSSL SHAs, CRC combine.
#include "s3/checksum.h"

#include <isa-l.h>
#include <isa-l/crc.h>
#include <isa-l/crc64.h>
#include <openssl/evp.h>
#include <string.h>

#include <array>
#include <new>
#include <stdexcept>

#include "s3/crypto.h"

// ISA-L 2.31 added crc64_rocksoft_refl (Rocksoft = NVMe polynomial); older ones lack it.
#if defined(ISAL_VERSION) && ISAL_VERSION >= ISAL_MAKE_VERSION(2, 31, 0)
#define XFER_HAVE_ISAL_ROCKSOFT 1
#else
#define XFER_HAVE_ISAL_ROCKSOFT 0
#endif

// Without it, CRC-64/NVME folds with PCLMULQDQ where the CPU has it (chosen at run time).
#if !XFER_HAVE_ISAL_ROCKSOFT && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define XFER_HAVE_CLMUL 1
#include <immintrin.h>
#else
#define XFER_HAVE_CLMUL 0
#endif

namespace xfer::s3 {
namespace {

struct AlgorithmInfo {
  ChecksumAlgorithm alg;
  const char *name;
  const char *header;
  const char *xml;
  size_t raw_size;
};

constexpr AlgorithmInfo kAlgorithms[] = {
    {ChecksumAlgorithm::None, "NONE", "", "", 0},
    {ChecksumAlgorithm::Crc32, "CRC32", "x-amz-checksum-crc32", "ChecksumCRC32", 4},
    {ChecksumAlgorithm::Crc32c, "CRC32C", "x-amz-checksum-crc32c", "ChecksumCRC32C", 4},
    {ChecksumAlgorithm::Crc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", "ChecksumCRC64NVME", 8},
    {ChecksumAlgorithm::Sha1, "SHA1", "x-amz-checksum-sha1", "ChecksumSHA1", 20},
    {ChecksumAlgorithm::Sha256, "SHA256", "x-amz-checksum-sha256", "ChecksumSHA256", 32},
};

const AlgorithmInfo &info(ChecksumAlgorithm alg) {
  for (const auto &i : kAlgorithms) {
    if (i.alg == alg) return i;
  }
  return kAlgorithms[0];
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// Reflected CRC polynomials (bit 0 = coefficient of x^(width-1)).
constexpr uint32_t kCrc32Poly = 0xEDB88320u;
constexpr uint32_t kCrc32cPoly = 0x82F63B78u;
constexpr uint64_t kCrc64NvmePoly = 0x9A6C9329AC4BC9B5ull;

// Arithmetic in GF(2)[x] mod P for a reflected CRC of any width (zlib's crc32_combine method,
// generalised). For a CRC whose init equals its xorout (true of all three here):
//   crc(A||B) = crc(A) * x^(8*len(B)) mod P  xor  crc(B).
template <typename T, T Poly>
struct Gf2Crc {
  static constexpr int kWidth = static_cast<int>(sizeof(T) * 8);
  static constexpr T kOne = T(1) << (kWidth - 1);  // the polynomial 1 (x^0)

  static constexpr T times_x(T b) { return (b & 1) ? static_cast<T>((b >> 1) ^ Poly) : b >> 1; }

  // a * b mod P.
  static constexpr T mult(T a, T b) {
    T p = 0;
    while (a) {
      if (a & kOne) p ^= b;
      a = static_cast<T>(a << 1);
      b = times_x(b);
    }
    return p;
  }

  // kX2n[k] = x^(2^k) mod P; k reaches 66 because lengths are bytes (8 * 2^64 bits).
  static constexpr int kTableSize = 67;
  static constexpr std::array<T, kTableSize> make_x2n() {
    std::array<T, kTableSize> t{};
    T p = kOne >> 1;  // x^1
    t[0] = p;
    for (int k = 1; k < kTableSize; ++k) t[k] = p = mult(p, p);
    return t;
  }
  static constexpr std::array<T, kTableSize> kX2n = make_x2n();

  // x^n mod P.
  static constexpr T xpow(uint64_t n) {
    T p = kOne;
    for (int k = 0; n; n >>= 1, ++k) {
      if (n & 1) p = mult(kX2n[k], p);
    }
    return p;
  }

  static T combine(T crc_a, T crc_b, uint64_t len_b) {
    T p = kOne;
    int k = 3;  // x^(8 * len_b): start at x^(2^3)
    for (uint64_t n = len_b; n; n >>= 1, ++k) {
      if (n & 1) p = mult(kX2n[k], p);
    }
    return mult(p, crc_a) ^ crc_b;
  }
};

using Crc32Math = Gf2Crc<uint32_t, kCrc32Poly>;
using Crc32cMath = Gf2Crc<uint32_t, kCrc32cPoly>;
using Crc64NvmeMath = Gf2Crc<uint64_t, kCrc64NvmePoly>;

#if !XFER_HAVE_ISAL_ROCKSOFT
// Slicing-by-8 tables for CRC-64/NVME, built at compile time (read-only, no global state).
struct Crc64Tables {
  uint64_t t[8][256];
};

constexpr Crc64Tables make_crc64_tables() {
  Crc64Tables r{};
  for (int i = 0; i < 256; ++i) {
    uint64_t c = static_cast<uint64_t>(i);
    for (int b = 0; b < 8; ++b) c = (c & 1) ? (c >> 1) ^ kCrc64NvmePoly : c >> 1;
    r.t[0][i] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (int i = 0; i < 256; ++i) {
      uint64_t prev = r.t[k - 1][i];
      r.t[k][i] = (prev >> 8) ^ r.t[0][prev & 0xff];
    }
  }
  return r;
}

constexpr Crc64Tables kCrc64Tables = make_crc64_tables();

inline uint64_t load_le64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

// The bare register update (no inversion) of a reflected slicing-by-8 CRC.
uint64_t crc64nvme_slice8_reg(uint64_t crc, const unsigned char *p, size_t len) {
  const auto &t = kCrc64Tables.t;
  while (len >= 8) {
    uint64_t v = load_le64(p) ^ crc;
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
          t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    len -= 8;
  }
  while (len--) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if XFER_HAVE_CLMUL
// PCLMULQDQ folding (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ").
// A 16-byte little-endian lane holds a polynomial whose first byte's bit 0 is the highest
// coefficient (x^127): its low qword H and high qword L give A = H*x^64 + L. Moving A forward by
// D bits is A*x^D = H*(x^(D+64) mod P) + L*(x^D mod P); a carry-less product of two reflected
// 64-bit values comes out multiplied by an extra x, hence the constants x^(D+63) and x^(D-1).
struct FoldConstant {
  uint64_t lo, hi;
};
constexpr FoldConstant fold_constant(uint64_t distance_bits) {
  return {Crc64NvmeMath::xpow(distance_bits + 63), Crc64NvmeMath::xpow(distance_bits - 1)};
}
constexpr FoldConstant kFold128 = fold_constant(128);
constexpr FoldConstant kFold1024 = fold_constant(8 * 128);
constexpr FoldConstant kFoldLanes[7] = {
    fold_constant(7 * 128), fold_constant(6 * 128), fold_constant(5 * 128), fold_constant(4 * 128),
    fold_constant(3 * 128), fold_constant(2 * 128), fold_constant(128)};

#define XFER_CLMUL_INLINE __attribute__((target("pclmul,sse2"), always_inline)) inline

XFER_CLMUL_INLINE __m128i fold(__m128i a, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00), _mm_clmulepi64_si128(a, k, 0x11));
}

XFER_CLMUL_INLINE __m128i load_constant(const FoldConstant &c) {
  return _mm_set_epi64x(static_cast<long long>(c.hi), static_cast<long long>(c.lo));
}

XFER_CLMUL_INLINE __m128i load16(const unsigned char *q) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i *>(q));
}

// Register update over len >= 128 bytes: eight lanes fold 128 bytes a step, then the lanes
// and any 16-byte blocks fold into one, which the table reduces (x^64 mod P) with the tail.
XFER_CLMUL_INLINE uint64_t crc64nvme_clmul_body(uint64_t crc, const unsigned char *p, size_t len) {
  __m128i x[8];
  for (int i = 0; i < 8; ++i) x[i] = load16(p + 16 * i);
  // The register is the first 64 bits of the message, xored in.
  x[0] = _mm_xor_si128(x[0], _mm_set_epi64x(0, static_cast<long long>(crc)));
  p += 128;
  len -= 128;
  const __m128i k1024 = load_constant(kFold1024);
  while (len >= 128) {
    for (int i = 0; i < 8; ++i) x[i] = _mm_xor_si128(fold(x[i], k1024), load16(p + 16 * i));
    p += 128;
    len -= 128;
  }
  __m128i a = x[7];
  for (int i = 0; i < 7; ++i) a = _mm_xor_si128(a, fold(x[i], load_constant(kFoldLanes[i])));
  const __m128i k128 = load_constant(kFold128);
  while (len >= 16) {
    a = _mm_xor_si128(fold(a, k128), load16(p));
    p += 16;
    len -= 16;
  }
  unsigned char rest[16];
  _mm_storeu_si128(reinterpret_cast<__m128i *>(rest), a);
  return crc64nvme_slice8_reg(crc64nvme_slice8_reg(0, rest, 16), p, len);
}

// The same code VEX-encoded: legacy SSE instructions run several times slower after other code
// (ISA-L's AVX-512 CRCs, for one) leaves the upper vector state dirty.
__attribute__((target("pclmul,avx"))) uint64_t crc64nvme_clmul_avx(uint64_t crc,
                                                                   const unsigned char *p,
                                                                   size_t len) {
  return crc64nvme_clmul_body(crc, p, len);
}

__attribute__((target("pclmul,sse2"))) uint64_t crc64nvme_clmul_sse(uint64_t crc,
                                                                    const unsigned char *p,
                                                                    size_t len) {
  return crc64nvme_clmul_body(crc, p, len);
}
#endif  // XFER_HAVE_CLMUL

uint64_t crc64nvme_fast(uint64_t crc, const unsigned char *p, size_t len) {
#if XFER_HAVE_CLMUL
  if (len >= 256 && __builtin_cpu_supports("pclmul")) {
    return __builtin_cpu_supports("avx") ? ~crc64nvme_clmul_avx(~crc, p, len)
                                         : ~crc64nvme_clmul_sse(~crc, p, len);
  }
#endif
  return ~crc64nvme_slice8_reg(~crc, p, len);
}
#endif  // !XFER_HAVE_ISAL_ROCKSOFT

// Digest bytes in big-endian order, as S3 encodes CRCs.
std::string crc_to_raw(uint64_t crc, size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[size - 1 - i] = static_cast<char>(crc & 0xff);
    crc >>= 8;
  }
  return out;
}

const EVP_MD *digest_for(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::Sha1:
      return EVP_sha1();
    case ChecksumAlgorithm::Sha256:
      return EVP_sha256();
    default:
      return nullptr;
  }
}

}  // namespace

std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name) {
  for (const auto &i : kAlgorithms) {
    if (iequals(name, i.name)) return i.alg;
  }
  return std::nullopt;
}

const char *checksum_name(ChecksumAlgorithm alg) {
  return info(alg).name;
}
const char *checksum_header(ChecksumAlgorithm alg) {
  return info(alg).header;
}
const char *checksum_xml_element(ChecksumAlgorithm alg) {
  return info(alg).xml;
}
size_t checksum_raw_size(ChecksumAlgorithm alg) {
  return info(alg).raw_size;
}

bool checksum_is_crc(ChecksumAlgorithm alg) {
  return alg == ChecksumAlgorithm::Crc32 || alg == ChecksumAlgorithm::Crc32c ||
         alg == ChecksumAlgorithm::Crc64Nvme;
}

// ISA-L crc32_gzip_refl inverts on entry and exit itself: it is zlib's crc32() exactly.
uint32_t crc32_update(uint32_t crc, const void *data, size_t len) {
  if (len == 0) return crc;
  return crc32_gzip_refl(crc, static_cast<const unsigned char *>(data), len);
}

// ISA-L crc32_iscsi is the bare register update: no inversion, so we invert around it. Its
// length is an int and its buffer non-const (it only reads), so feed it at most 1 GiB a call.
uint32_t crc32c_update(uint32_t crc, const void *data, size_t len) {
  auto *p = const_cast<unsigned char *>(static_cast<const unsigned char *>(data));
  unsigned int reg = ~crc;
  while (len) {
    size_t n = len < (size_t{1} << 30) ? len : (size_t{1} << 30);
    reg = crc32_iscsi(p, static_cast<int>(n), reg);
    p += n;
    len -= n;
  }
  return ~static_cast<uint32_t>(reg);
}

uint64_t crc64nvme_update(uint64_t crc, const void *data, size_t len) {
  if (len == 0) return crc;
#if XFER_HAVE_ISAL_ROCKSOFT
  // Like ISA-L's other crc64_*_refl functions it inverts on entry and exit itself.
  return crc64_rocksoft_refl(crc, static_cast<const unsigned char *>(data), len);
#else
  return crc64nvme_fast(crc, static_cast<const unsigned char *>(data), len);
#endif
}

uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return Crc32Math::combine(crc_a, crc_b, len_b);
}

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return Crc32cMath::combine(crc_a, crc_b, len_b);
}

uint64_t crc64nvme_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b) {
  return Crc64NvmeMath::combine(crc_a, crc_b, len_b);
}

void Checksum::CtxFree::operator()(evp_md_ctx_st *ctx) const {
  EVP_MD_CTX_free(ctx);
}

Checksum::Checksum(ChecksumAlgorithm alg) : alg_(alg) {
  const EVP_MD *md = digest_for(alg);
  if (!md) return;
  md_.reset(EVP_MD_CTX_new());
  if (!md_) throw std::bad_alloc();
  if (EVP_DigestInit_ex(md_.get(), md, nullptr) != 1) {
    throw std::runtime_error(std::string("checksum: cannot initialise ") + checksum_name(alg));
  }
}

Checksum::Checksum(const Checksum &other)
    : alg_(other.alg_), crc_(other.crc_), length_(other.length_) {
  if (!other.md_) return;
  md_.reset(EVP_MD_CTX_new());
  if (!md_) throw std::bad_alloc();
  if (EVP_MD_CTX_copy_ex(md_.get(), other.md_.get()) != 1) {
    throw std::runtime_error("checksum: cannot copy digest context");
  }
}

Checksum &Checksum::operator=(const Checksum &other) {
  if (this != &other) {
    Checksum copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Checksum::Checksum(Checksum &&other) noexcept = default;
Checksum &Checksum::operator=(Checksum &&other) noexcept = default;
Checksum::~Checksum() = default;

void Checksum::update(const void *data, size_t len) {
  switch (alg_) {
    case ChecksumAlgorithm::None:
      break;
    case ChecksumAlgorithm::Crc32:
      crc_ = crc32_update(static_cast<uint32_t>(crc_), data, len);
      break;
    case ChecksumAlgorithm::Crc32c:
      crc_ = crc32c_update(static_cast<uint32_t>(crc_), data, len);
      break;
    case ChecksumAlgorithm::Crc64Nvme:
      crc_ = crc64nvme_update(crc_, data, len);
      break;
    case ChecksumAlgorithm::Sha1:
    case ChecksumAlgorithm::Sha256:
      if (len && EVP_DigestUpdate(md_.get(), data, len) != 1) {
        throw std::runtime_error(std::string("checksum: ") + checksum_name(alg_) +
                                 " update failed");
      }
      break;
  }
  length_ += len;
}

std::string Checksum::raw() const {
  if (checksum_is_crc(alg_)) return crc_to_raw(crc_, checksum_raw_size(alg_));
  if (!md_) return std::string();
  // Finalise a copy so the stream can go on.
  std::unique_ptr<evp_md_ctx_st, CtxFree> tmp(EVP_MD_CTX_new());
  if (!tmp) throw std::bad_alloc();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_MD_CTX_copy_ex(tmp.get(), md_.get()) != 1 ||
      EVP_DigestFinal_ex(tmp.get(), out, &n) != 1) {
    throw std::runtime_error(std::string("checksum: ") + checksum_name(alg_) +
                             " finalisation failed");
  }
  return std::string(reinterpret_cast<const char *>(out), n);
}

std::string Checksum::base64() const {
  return base64_encode(raw());
}

std::string composite_checksum(ChecksumAlgorithm alg,
                               const std::vector<std::string> &part_raw_digests) {
  if (alg == ChecksumAlgorithm::None) {
    throw std::invalid_argument("composite_checksum: no algorithm");
  }
  const size_t want = checksum_raw_size(alg);
  Checksum c(alg);
  for (const auto &d : part_raw_digests) {
    if (d.size() != want) {
      throw std::invalid_argument(std::string("composite_checksum: a ") + checksum_name(alg) +
                                  " part digest must be " + std::to_string(want) + " bytes, not " +
                                  std::to_string(d.size()));
    }
    c.update(d.data(), d.size());
  }
  return c.base64() + "-" + std::to_string(part_raw_digests.size());
}

std::string full_object_crc_base64(ChecksumAlgorithm alg,
                                   const std::vector<std::pair<uint64_t, uint64_t>> &parts) {
  uint64_t crc = 0;  // the CRC of no bytes, for all three
  for (const auto &[part_crc, part_len] : parts) {
    switch (alg) {
      case ChecksumAlgorithm::Crc32:
        crc = crc32_combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), part_len);
        break;
      case ChecksumAlgorithm::Crc32c:
        crc = crc32c_combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), part_len);
        break;
      case ChecksumAlgorithm::Crc64Nvme:
        crc = crc64nvme_combine(crc, part_crc, part_len);
        break;
      default:
        throw std::invalid_argument(std::string("full_object_crc_base64: ") + checksum_name(alg) +
                                    " cannot be combined");
    }
  }
  if (!checksum_is_crc(alg)) {
    throw std::invalid_argument(std::string("full_object_crc_base64: ") + checksum_name(alg) +
                                " cannot be combined");
  }
  return base64_encode(crc_to_raw(crc, checksum_raw_size(alg)));
}

std::string format_checksum_result(ChecksumAlgorithm alg, std::string_view base64_value) {
  std::string out = checksum_name(alg);
  out += ':';
  out.append(base64_value.data(), base64_value.size());
  return out;
}

}  // namespace xfer::s3
