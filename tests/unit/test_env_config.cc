// test_env_config.cc: xfer_config_load_env's rules, as the AWS CLI has them: environment
// variables, ~/.aws/credentials and ~/.aws/config profiles, and which wins.
#include <fstream>  // before cmocka.h, whose fail() macro breaks std::basic_ios::fail
// cmocka.h needs these first, in this order, and has no extern "C" of its own (1.1.5).
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "transfer/env_config.h"

using xfer::transfer::Config;
using xfer::transfer::load_env;

namespace {

std::string g_dir;

void write(const std::string &name, const std::string &text) {
  std::ofstream(g_dir + "/" + name) << text;
}

void clear_env() {
  for (const char *v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                        "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_CA_BUNDLE"})
    unsetenv(v);
  setenv("AWS_SHARED_CREDENTIALS_FILE", (g_dir + "/credentials").c_str(), 1);
  setenv("AWS_CONFIG_FILE", (g_dir + "/config").c_str(), 1);
}

int setup(void **) {
  char tmpl[] = "/tmp/xfer-envtest-XXXXXX";
  g_dir = mkdtemp(tmpl);
  write("credentials",
        "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = defaultsecret\n\n"
        "# a comment\n[work]\naws_access_key_id=WORKKEY\naws_secret_access_key=worksecret\n"
        "aws_session_token = worktoken\n");
  write("config",
        "[default]\nregion = eu-central-1\n\n[profile work]\nregion = ap-south-1\n"
        "endpoint_url = http://127.0.0.1:7480\ns3 =\n  addressing_style = virtual\n\n"
        "[profile cfgonly]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n");
  return 0;
}

int teardown(void **) {
  std::string cmd = "rm -rf '" + g_dir + "'";
  return system(cmd.c_str()) == 0 ? 0 : -1;
}

void test_default_profile(void **) {
  clear_env();
  Config c;
  assert_true(load_env(c, nullptr).ok());
  assert_string_equal(c.endpoint.creds.access_key.c_str(), "DEFAULTKEY");
  assert_string_equal(c.endpoint.creds.secret_key.c_str(), "defaultsecret");
  assert_string_equal(c.endpoint.region.c_str(), "eu-central-1");
  assert_true(c.endpoint.host.empty());
}

void test_env_wins_over_default_profile(void **) {
  clear_env();
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  setenv("AWS_SESSION_TOKEN", "envtoken", 1);
  setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1234", 1);
  setenv("AWS_ENDPOINT_URL_S3", "https://s3.local:8443", 1);  // the S3-specific one wins
  Config c;
  assert_true(load_env(c, nullptr).ok());
  assert_string_equal(c.endpoint.creds.access_key.c_str(), "ENVKEY");
  assert_string_equal(c.endpoint.creds.session_token.c_str(), "envtoken");
  assert_string_equal(c.endpoint.region.c_str(), "us-west-1");
  assert_string_equal(c.endpoint.scheme.c_str(), "https");
  assert_string_equal(c.endpoint.host.c_str(), "s3.local:8443");
  setenv("AWS_REGION", "us-west-2", 1);  // AWS_REGION wins over AWS_DEFAULT_REGION
  assert_true(load_env(c, nullptr).ok());
  assert_string_equal(c.endpoint.region.c_str(), "us-west-2");
}

void test_named_profile(void **) {
  clear_env();
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  Config c;
  // An explicitly named profile wins over the environment's keys (like --profile).
  assert_true(load_env(c, "work").ok());
  assert_string_equal(c.endpoint.creds.access_key.c_str(), "WORKKEY");
  assert_string_equal(c.endpoint.creds.session_token.c_str(), "worktoken");
  assert_string_equal(c.endpoint.region.c_str(), "ap-south-1");
  assert_string_equal(c.endpoint.host.c_str(), "127.0.0.1:7480");
  assert_true(c.path_style_set);
  assert_false(c.endpoint.path_style);
  // AWS_PROFILE selects it too, but then environment keys still win.
  clear_env();
  setenv("AWS_PROFILE", "cfgonly", 1);
  Config d;
  assert_true(load_env(d, nullptr).ok());
  assert_string_equal(d.endpoint.creds.access_key.c_str(), "CFGKEY");
}

void test_missing_profile_and_files(void **) {
  clear_env();
  Config c;
  xfer::core::Error e = load_env(c, "nope");
  assert_int_equal(int(e.code), int(xfer::core::Code::Inval));
  assert_true(e.message.find("nope") != std::string::npos);
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  Config d;
  assert_true(load_env(d, nullptr).ok());  // no files is not an error
  assert_true(d.endpoint.creds.access_key.empty());
  setenv("AWS_ENDPOINT_URL", "not a url", 1);
  assert_int_equal(int(load_env(d, nullptr).code), int(xfer::core::Code::Inval));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(test_default_profile),
      cmocka_unit_test(test_env_wins_over_default_profile),
      cmocka_unit_test(test_named_profile),
      cmocka_unit_test(test_missing_profile_and_files),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
