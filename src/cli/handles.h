// handles.h: RAII owners for libxfer handles (unique_ptr with the xfer_*_free deleters).
#ifndef XFER_CLI_HANDLES_H
#define XFER_CLI_HANDLES_H

#include <memory>

#include "xfer/xfer.h"

namespace xfer_cli {

struct ConfigFree {
  void operator()(xfer_config *c) const { xfer_config_free(c); }
};
struct ManagerFree {
  void operator()(xfer_manager *m) const { xfer_manager_free(m); }
};
struct FutureFree {
  void operator()(xfer_future *f) const { xfer_future_free(f); }
};
struct ArgsFree {
  void operator()(xfer_args *a) const { xfer_args_free(a); }
};
struct DirOptionsFree {
  void operator()(xfer_dir_options *o) const { xfer_dir_options_free(o); }
};
struct StringFree {
  void operator()(char *s) const { xfer_string_free(s); }
};

using ConfigPtr = std::unique_ptr<xfer_config, ConfigFree>;
using ManagerPtr = std::unique_ptr<xfer_manager, ManagerFree>;
using FuturePtr = std::unique_ptr<xfer_future, FutureFree>;
using ArgsPtr = std::unique_ptr<xfer_args, ArgsFree>;
using DirOptionsPtr = std::unique_ptr<xfer_dir_options, DirOptionsFree>;
using StringPtr = std::unique_ptr<char, StringFree>;

}  // namespace xfer_cli

#endif  // XFER_CLI_HANDLES_H
