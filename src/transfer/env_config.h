// env_config.h: credentials, region and endpoint from the environment and the AWS CLI's
// shared files (~/.aws/credentials, ~/.aws/config), with the AWS CLI's precedence.
#pragma once

#include "core/error.h"
#include "transfer/config.h"

namespace xfer::transfer {

// profile: nullptr or "" means AWS_PROFILE, else "default". An explicitly named profile's
// credentials win over AWS_ACCESS_KEY_ID; otherwise the environment wins.
core::Error load_env(Config &cfg, const char *profile);

}  // namespace xfer::transfer
