// env_config.cc: a small INI reader for the AWS shared files and the precedence rules.
#include "transfer/env_config.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

namespace xfer::transfer {

namespace {

using Section = std::map<std::string, std::string>;
using Ini = std::map<std::string, Section>;

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Reads [section] / key = value lines; "#" and ";" start comments; indented lines belong to
// a nested block (e.g. "s3 =" then "  addressing_style = path") and are kept as "s3.key".
Ini read_ini(const std::string &path) {
  Ini ini;
  std::ifstream in(path);
  std::string line, section, nested;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(t.substr(1, t.size() - 2));
      nested.clear();
      ini[section];
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string k = trim(t.substr(0, eq)), v = trim(t.substr(eq + 1));
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!indented) nested.clear();
    if (v.empty() && !indented) {
      nested = k;
      continue;
    }
    ini[section][indented && !nested.empty() ? nested + "." + k : k] = v;
  }
  return ini;
}

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

std::string home_file(const char *env_name, const char *rel) {
  std::string p = env(env_name);
  if (!p.empty()) return p;
  std::string home = env("HOME");
  return home.empty() ? "" : home + "/" + rel;
}

const Section *find(const Ini &ini, const std::string &name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

std::string get(const Section *s, const char *key) {
  if (!s) return "";
  auto it = s->find(key);
  return it == s->end() ? "" : it->second;
}

}  // namespace

core::Error load_env(Config &cfg, const char *profile_arg) {
  const bool explicit_profile = profile_arg && *profile_arg;
  std::string profile = explicit_profile ? profile_arg : env("AWS_PROFILE");
  if (profile.empty()) profile = "default";

  std::string cred_path = home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  std::string conf_path = home_file("AWS_CONFIG_FILE", ".aws/config");
  Ini creds = cred_path.empty() ? Ini() : read_ini(cred_path);
  Ini conf = conf_path.empty() ? Ini() : read_ini(conf_path);
  const Section *cs = find(creds, profile);
  const Section *ps = find(conf, profile == "default" ? "default" : "profile " + profile);
  if (!ps && profile == "default") ps = find(conf, "profile default");
  if (!cs && !ps && profile != "default")
    return core::Error(core::Code::Inval, "profile '" + profile + "' is in neither " + cred_path +
                                              " nor " + conf_path);

  auto from_files = [&](const char *key) {
    std::string v = get(cs, key);
    return v.empty() ? get(ps, key) : v;
  };
  std::string ak = env("AWS_ACCESS_KEY_ID"), sk = env("AWS_SECRET_ACCESS_KEY"),
              tok = env("AWS_SESSION_TOKEN");
  bool env_creds = !ak.empty() && !sk.empty();
  std::string fak = from_files("aws_access_key_id"), fsk = from_files("aws_secret_access_key");
  if ((explicit_profile || !env_creds) && !fak.empty() && !fsk.empty()) {
    cfg.endpoint.creds = {fak, fsk, from_files("aws_session_token")};
  } else if (env_creds) {
    cfg.endpoint.creds = {ak, sk, tok};
  }

  std::string region = env("AWS_REGION");
  if (region.empty()) region = env("AWS_DEFAULT_REGION");
  if (region.empty()) region = get(ps, "region");
  if (!region.empty()) cfg.endpoint.region = region;

  std::string url = env("AWS_ENDPOINT_URL_S3");
  if (url.empty()) url = env("AWS_ENDPOINT_URL");
  if (url.empty()) url = get(ps, "s3.endpoint_url");
  if (url.empty()) url = get(ps, "endpoint_url");
  if (!url.empty()) {
    std::string why;
    auto ep = s3::parse_endpoint_url(url, &why);
    if (!ep) return core::Error(core::Code::Inval, "endpoint '" + url + "': " + why);
    cfg.endpoint.scheme = ep->scheme;
    cfg.endpoint.host = ep->host;
  }
  std::string style = get(ps, "s3.addressing_style");
  if (style == "path" || style == "virtual") {
    cfg.endpoint.path_style = style == "path";
    cfg.path_style_set = true;
  }
  std::string ca = env("AWS_CA_BUNDLE");
  if (ca.empty()) ca = get(ps, "ca_bundle");
  if (!ca.empty()) cfg.ca_bundle = ca;
  return core::Error();
}

}  // namespace xfer::transfer
