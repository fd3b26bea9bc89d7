// xfer-sigv4-suite.cc: runs a folder of AWS SigV4 test-suite cases against the signer.
//
// Usage: xfer-sigv4-suite DIR
// Each sub-folder of DIR holding request.txt and context.json is a case. The request is
// signed with the Authorization header (when header-*.txt exist) and presigned (when
// query-*.txt exist); the canonical request, string to sign and signature must match the
// expected files byte for byte, and the headers or query parameters the signer adds must
// match the expected signed request. One line per case and mode, then "N passed, M failed".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/crypto.h"
#include "s3/sigv4.h"
#include "s3/uri.h"

namespace fs = std::filesystem;
using xfer::s3::HttpToSign;
using xfer::s3::SigningParams;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small JSON reader for the flat context.json format: nested objects are flattened to
// dotted keys ("credentials.access_key_id"); strings are unescaped, other scalars kept as
// their literal text (3600, true, null). Arrays are not needed and are rejected.
class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  bool parse(std::map<std::string, std::string> *out) {
    out_ = out;
    skip_ws();
    if (!object("")) return false;
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  static void put_utf8(std::string *o, uint32_t cp) {
    if (cp < 0x80) {
      o->push_back(char(cp));
    } else if (cp < 0x800) {
      o->push_back(char(0xC0 | (cp >> 6)));
      o->push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      o->push_back(char(0xE0 | (cp >> 12)));
      o->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      o->push_back(char(0x80 | (cp & 0x3F)));
    } else {
      o->push_back(char(0xF0 | (cp >> 18)));
      o->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      o->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      o->push_back(char(0x80 | (cp & 0x3F)));
    }
  }

  bool hex4(uint32_t *v) {
    if (pos_ + 4 > s_.size()) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') {
        *v |= uint32_t(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        *v |= uint32_t(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        *v |= uint32_t(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  bool string(std::string *o) {
    if (!eat('"')) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        o->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case '"':
          o->push_back('"');
          break;
        case '\\':
          o->push_back('\\');
          break;
        case '/':
          o->push_back('/');
          break;
        case 'b':
          o->push_back('\b');
          break;
        case 'f':
          o->push_back('\f');
          break;
        case 'n':
          o->push_back('\n');
          break;
        case 'r':
          o->push_back('\r');
          break;
        case 't':
          o->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < s_.size() && s_[pos_] == '\\' &&
              s_[pos_ + 1] == 'u') {
            pos_ += 2;
            uint32_t lo = 0;
            if (!hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          put_utf8(o, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool value(const std::string &key) {
    skip_ws();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') return object(key + ".");
    if (c == '"') {
      std::string v;
      if (!string(&v)) return false;
      (*out_)[key] = v;
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ' ' &&
           s_[pos_] != '\n' && s_[pos_] != '\r' && s_[pos_] != '\t') {
      ++pos_;
    }
    if (pos_ == start || c == '[') return false;
    (*out_)[key] = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  bool object(const std::string &prefix) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    do {
      std::string k;
      if (!string(&k) || !eat(':') || !value(prefix + k)) return false;
    } while (eat(','));
    return eat('}');
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::map<std::string, std::string> *out_ = nullptr;
};

struct RawRequest {
  std::string method, path;
  Pairs query, headers;  // query decoded; headers as written (continuations folded)
  std::string body;
};

Pairs parse_query(std::string_view qs) {
  Pairs out;
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view piece = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(xfer::s3::uri_decode(piece), "");
    } else {
      out.emplace_back(xfer::s3::uri_decode(piece.substr(0, eq)),
                       xfer::s3::uri_decode(piece.substr(eq + 1)));
    }
  }
  return out;
}

// request.txt: request line, headers (a line starting with a space or tab continues the
// previous header), an empty line, then the body verbatim. LF or CRLF line ends.
std::optional<RawRequest> parse_request(const std::string &text, std::string *err) {
  RawRequest r;
  size_t pos = 0;
  auto next_line = [&](std::string_view *line) {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    *line = std::string_view(text).substr(pos, end - pos);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    return true;
  };
  std::string_view line;
  if (!next_line(&line)) {
    *err = "empty request.txt";
    return std::nullopt;
  }
  // The target may contain spaces ("GET /example space/ HTTP/1.1").
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || line.substr(sp2 + 1).rfind("HTTP/", 0) != 0) {
    *err = "bad request line";
    return std::nullopt;
  }
  r.method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = parse_query(target.substr(q + 1));

  while (next_line(&line)) {
    if (line.empty()) {
      r.body = text.substr(pos);
      return r;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += ' ';
      r.headers.back().second += std::string(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      *err = "bad header line: " + std::string(line);
      return std::nullopt;
    }
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  return r;
}

// "2015-08-30T12:36:00Z" -> time_t, without depending on the local time zone.
std::optional<std::time_t> parse_iso8601(const std::string &s) {
  int y, mo, d, h, mi, se;
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
      z != 'Z') {
    return std::nullopt;
  }
  // Howard Hinnant's days_from_civil.
  y -= mo <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = int64_t(era) * 146097 + doe - 719468;
  return std::time_t(days * 86400 + h * 3600 + mi * 60 + se);
}

std::string lower(std::string s) {
  for (char &c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return s;
}

std::string printable(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    if (c == '\n') {
      o += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      o += buf;
    } else {
      o.push_back(char(c));
    }
  }
  return o;
}

// Where two texts first differ, by line: a hint for the failure message.
std::string diff_hint(const std::string &want, const std::string &got) {
  size_t line = 1, start = 0;
  size_t n = std::min(want.size(), got.size());
  size_t i = 0;
  for (; i < n && want[i] == got[i]; ++i) {
    if (want[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  if (i == n) {  // one is a prefix of the other
    const std::string &longer = want.size() > got.size() ? want : got;
    return std::string(want.size() > got.size() ? "expected" : "got") + " has " +
           std::to_string(longer.size() - n) + " more bytes at line " + std::to_string(line) +
           ": \"" + printable(longer.substr(n, 60)) + "\"";
  }
  auto line_of = [start](const std::string &s) {
    size_t end = s.find('\n', start);
    return printable(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
  };
  std::string hint = "line " + std::to_string(line) + ": expected \"" + line_of(want) +
                     "\", got \"" + line_of(got) + "\"";
  return hint;
}

struct Case {
  std::string name;
  fs::path dir;
  RawRequest req;
  SigningParams params;
  std::string token;  // session token from context.json
  bool omit_token = false;
  bool sign_body = false;
  uint32_t expires = 0;
};

std::optional<Case> load_case(const fs::path &dir, std::string *err) {
  Case c;
  c.name = dir.filename().string();
  c.dir = dir;
  auto req_text = read_file(dir / "request.txt");
  auto ctx_text = read_file(dir / "context.json");
  if (!req_text || !ctx_text) {
    *err = "cannot read request.txt or context.json";
    return std::nullopt;
  }
  auto req = parse_request(*req_text, err);
  if (!req) return std::nullopt;
  c.req = std::move(*req);

  std::map<std::string, std::string> ctx;
  if (!JsonReader(*ctx_text).parse(&ctx)) {
    *err = "context.json is not valid JSON";
    return std::nullopt;
  }
  auto get = [&ctx](const std::string &k) {
    auto it = ctx.find(k);
    return it == ctx.end() ? std::string() : it->second;
  };
  c.params.creds.access_key = get("credentials.access_key_id");
  c.params.creds.secret_key = get("credentials.secret_access_key");
  c.token = get("credentials.token");
  c.params.region = get("region");
  c.params.service = get("service");
  c.params.normalize_path = get("normalize") == "true";
  c.sign_body = get("sign_body") == "true";
  c.omit_token = get("omit_session_token") == "true";
  auto t = parse_iso8601(get("timestamp"));
  if (!t) {
    *err = "context.json: bad or missing timestamp";
    return std::nullopt;
  }
  c.params.amz_date = xfer::s3::format_amz_date(*t);
  std::string exp = get("expiration_in_seconds");
  if (!exp.empty()) c.expires = uint32_t(std::strtoul(exp.c_str(), nullptr, 10));
  // With omit_session_token the token is sent but not signed: sign without it and add it
  // to the request afterwards.
  if (!c.omit_token) c.params.creds.session_token = c.token;
  return c;
}

HttpToSign to_sign(const Case &c) {
  HttpToSign h;
  h.method = c.req.method;
  h.path = c.req.path;
  h.query = c.req.query;
  h.headers = c.req.headers;
  h.payload_hash = xfer::s3::sha256_hex(c.req.body);
  return h;
}

// The failure, or empty when the three expected files match.
std::string compare_core(const fs::path &dir, const std::string &prefix, const std::string &cr,
                         const std::string &sts, const std::string &sig) {
  const std::pair<const char *, const std::string *> checks[] = {
      {"canonical-request", &cr}, {"string-to-sign", &sts}, {"signature", &sig}};
  for (const auto &[what, got] : checks) {
    std::string file = prefix + "-" + what + ".txt";
    auto want = read_file(dir / file);
    if (!want) return "missing " + file;
    if (*want != *got) {
      std::string label = what;
      std::replace(label.begin(), label.end(), '-', ' ');
      return label + " differs (" + diff_hint(*want, *got) + ")";
    }
  }
  return "";
}

std::string run_header(const Case &c) {
  HttpToSign h = to_sign(c);
  if (c.sign_body) h.headers.emplace_back("x-amz-content-sha256", h.payload_hash);
  auto r = xfer::s3::sign_headers(h, c.params);
  if (c.omit_token && !c.token.empty()) {
    r.add_headers.insert(r.add_headers.end() - 1, {"x-amz-security-token", c.token});
  }
  std::string fail =
      compare_core(c.dir, "header", r.canonical_request, r.string_to_sign, r.signature);
  if (!fail.empty()) return fail;

  // Every header the signer adds must appear, with this value, in the signed request.
  auto signed_text = read_file(c.dir / "header-signed-request.txt");
  if (!signed_text) return "";
  std::string err;
  auto signed_req = parse_request(*signed_text, &err);
  if (!signed_req) return "header-signed-request.txt: " + err;
  for (const auto &[name, value] : r.add_headers) {
    bool found = false;
    for (const auto &[n, v] : signed_req->headers) {
      if (lower(n) == lower(name) && v == value) found = true;
    }
    if (!found) return "signed request differs: no \"" + name + ":" + printable(value) + "\"";
  }
  return "";
}

std::string run_query(const Case &c) {
  HttpToSign h = to_sign(c);
  auto r = xfer::s3::presign(h, c.params, c.expires);
  if (c.omit_token && !c.token.empty()) {
    r.query.insert(r.query.end() - 1, {"X-Amz-Security-Token", c.token});
  }
  std::string fail =
      compare_core(c.dir, "query", r.canonical_request, r.string_to_sign, r.signature);
  if (!fail.empty()) return fail;

  // The query of the signed request, decoded, must equal the signer's query in order.
  auto signed_text = read_file(c.dir / "query-signed-request.txt");
  if (!signed_text) return "";
  std::string err;
  auto signed_req = parse_request(*signed_text, &err);
  if (!signed_req) return "query-signed-request.txt: " + err;
  const Pairs &want = signed_req->query;
  for (size_t i = 0; i < std::max(want.size(), r.query.size()); ++i) {
    if (i >= want.size() || i >= r.query.size() || want[i] != r.query[i]) {
      auto show = [](const Pairs &p, size_t k) {
        return k < p.size() ? printable(p[k].first + "=" + p[k].second) : std::string("(none)");
      };
      return "signed request differs: query parameter " + std::to_string(i + 1) + ": expected \"" +
             show(want, i) + "\", got \"" + show(r.query, i) + "\"";
    }
  }
  return "";
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(argv[1], ec)) {
    if (e.is_directory() && fs::exists(e.path() / "request.txt")) dirs.push_back(e.path());
  }
  if (ec) {
    std::fprintf(stderr, "%s: %s\n", argv[1], ec.message().c_str());
    return 2;
  }
  std::sort(dirs.begin(), dirs.end());

  int passed = 0, failed = 0;
  auto report = [&](const std::string &name, const char *mode, const std::string &fail) {
    if (fail.empty()) {
      std::printf("PASS %s %s\n", name.c_str(), mode);
      ++passed;
    } else {
      std::printf("FAIL %s %s: %s\n", name.c_str(), mode, fail.c_str());
      ++failed;
    }
  };
  for (const auto &dir : dirs) {
    std::string name = dir.filename().string();
    std::string err;
    auto c = load_case(dir, &err);
    if (!c) {
      report(name, "load", err);
      continue;
    }
    bool any = false;
    for (const char *mode : {"header", "query"}) {
      if (!fs::exists(dir / (std::string(mode) + "-canonical-request.txt"))) continue;
      any = true;
      std::string fail;
      try {
        fail = std::string(mode) == "header" ? run_header(*c) : run_query(*c);
      } catch (const std::exception &e) {
        fail = std::string("exception: ") + e.what();
      }
      report(name, mode, fail);
    }
    if (!any) report(name, "load", "no header-*.txt or query-*.txt expected files");
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  if (passed + failed == 0) {
    std::fprintf(stderr, "no cases found in %s\n", argv[1]);
    return 1;
  }
  return failed == 0 ? 0 : 1;
}
