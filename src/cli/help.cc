// help.cc: the help texts of the xfer tool (general and per command) and short usage lines.
#include "help.h"

namespace xfer_cli {

namespace {

struct CommandHelp {
  const char *name;
  Command command;
  const char *usage;
  const char *summary;
  const char *details;
};

const CommandHelp kCommands[] = {
    {"cp", Command::kCp, "xfer cp SRC DST [OPTIONS]",
     "copy a file, stream or folder to, from or within S3",
     "SRC and DST are each a local path, '-' (stdin as SRC, stdout as DST) or s3://BUCKET/KEY;\n"
     "at least one of them is in S3.\n"
     "\n"
     "  xfer cp ./file s3://bucket/key       upload a file\n"
     "  xfer cp ./file s3://bucket/dir/      upload to dir/file\n"
     "  xfer cp s3://bucket/key ./file       download to a file\n"
     "  xfer cp s3://bucket/dir/key ./dl/    download to ./dl/key\n"
     "  xfer cp s3://bucket/key s3://other/  copy within S3 (server-side)\n"
     "  tar c dir | xfer cp - s3://bucket/dir.tar\n"
     "  xfer cp s3://bucket/dir.tar - | tar x\n"
     "  xfer cp --recursive ./site s3://bucket/www/   upload a folder\n"
     "  xfer cp --recursive s3://bucket/www ./site    download a prefix into a folder\n"
     "  xfer cp --recursive ./logs s3://bucket/logs/ --exclude '*' --include '*.gz'\n"
     "\n"
     "Large transfers go multipart and in parallel. A download goes to a temporary file that\n"
     "replaces DST only when complete. Ctrl-C cancels cleanly: a multipart upload is aborted\n"
     "and no partial file is left.\n"
     "\n"
     "With --recursive, SRC or DST is a folder and the other an S3 prefix, taken as a folder\n"
     "(s3://bucket/www means www/). Several files move at once; one that fails does not stop\n"
     "the others: each failure is printed as it is, then a summary line, and the exit status\n"
     "is not 0. --exclude and --include filter paths relative to the folder or prefix, in the\n"
     "order given, the last match winning ('*' matches across '/'). Copies from S3 to S3 with\n"
     "--recursive are not supported.\n"
     "\n"
     "Progress is shown on a terminal (one line for a whole folder); a line per completed\n"
     "transfer is printed on stdout."},
    {"ls", Command::kLs, "xfer ls s3://BUCKET[/PREFIX] [OPTIONS]",
     "list the objects and folders under a prefix",
     "As `aws s3 ls`: one line per folder (\"PRE name/\") and per object (local date and time,\n"
     "size in bytes, name) directly under the prefix; with --recursive every key below it, in\n"
     "full. The prefix is matched as given: s3://bucket/lo lists lo/ and logo.png.\n"
     "\n"
     "  xfer ls s3://bucket/\n"
     "  xfer ls s3://bucket/logs/ --recursive --human-readable --summarize\n"
     "\n"
     "Exit status 1 also when a prefix was given and nothing matches it (as `aws s3 ls`).\n"
     "Listing buckets (xfer ls without a URL) is not supported."},
    {"rm", Command::kRm, "xfer rm s3://BUCKET/KEY [OPTIONS]",
     "delete an object, or every object under a prefix",
     "  xfer rm s3://bucket/key\n"
     "  xfer rm s3://bucket/logs --recursive     every key under logs/ (not logs2/)\n"
     "\n"
     "With --recursive the keys are deleted in batches of up to 1,000 (DeleteObjects) and a\n"
     "line \"deleted N objects\" is printed; keys the server refused are printed one per line\n"
     "and the exit status is 1. --dryrun lists the objects that would be deleted."},
    {"mb", Command::kMb, "xfer mb s3://BUCKET [OPTIONS]",
     "create a bucket (in --region, or the configured region)", nullptr},
    {"rb", Command::kRb, "xfer rb s3://BUCKET [OPTIONS]", "delete a bucket, which must be empty",
     nullptr},
    {"presign", Command::kPresign, "xfer presign s3://BUCKET/KEY [--expires-in SECONDS]",
     "print a presigned GET URL for an object",
     "The URL is signed locally with the configured credentials; no request is made."},
    {"help", Command::kHelp, "xfer help [COMMAND]", "show help for xfer or a command", nullptr},
};

const CommandHelp *find_command(std::string_view name) {
  for (const auto &c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

void print_options(std::FILE *out, unsigned mask, OptionGroup group, const char *title) {
  bool any = false;
  for (const auto &spec : option_specs()) {
    if (spec.group != group || !(spec.commands & mask)) continue;
    if (!any) std::fprintf(out, "\n%s:\n", title);
    any = true;
    std::string left = spec.name;
    if (spec.kind == ValueKind::kValue) left += std::string(" ") + spec.metavar;
    if (spec.kind == ValueKind::kOptionalValue) left += std::string(" [") + spec.metavar + "]";
    if (left.size() <= 30) {
      std::fprintf(out, "  %-30s %s\n", left.c_str(), spec.help);
    } else {
      std::fprintf(out, "  %s\n  %-30s %s\n", left.c_str(), "", spec.help);
    }
  }
}

const char kConfigText[] =
    "\nConfiguration is read as the AWS CLI reads it: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
    "AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,\n"
    "AWS_CA_BUNDLE, AWS_PROFILE and the profile's entries in ~/.aws/credentials and\n"
    "~/.aws/config; the options above override them.\n";

const char kExitText[] =
    "\nExit status: 0 success, 1 service or network error, 2 usage error, 3 local I/O error,\n"
    "130 interrupted.\n";

}  // namespace

void print_general_help(std::FILE *out) {
  std::fprintf(out, "usage: xfer [OPTIONS] COMMAND [ARGS] [OPTIONS]\n\n");
  std::fprintf(out, "Move objects between local files, streams and S3-compatible storage.\n");
  std::fprintf(out, "\nCommands:\n");
  for (const auto &c : kCommands) std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
  print_options(out, kMaskAll, OptionGroup::kGlobal, "Global options (before or after COMMAND)");
  std::fputs(kConfigText, out);
  std::fputs(kExitText, out);
  std::fprintf(out,
               "\nRun 'xfer help COMMAND' or 'xfer COMMAND --help' for a command's options.\n");
}

bool print_command_help(std::string_view name, std::FILE *out) {
  const CommandHelp *c = find_command(name);
  if (!c) return false;
  if (c->command == Command::kHelp) {
    print_general_help(out);
    return true;
  }
  std::fprintf(out, "usage: %s\n\n%s.\n", c->usage, c->summary);
  if (c->details) std::fprintf(out, "\n%s\n", c->details);
  unsigned mask = command_mask(c->command);
  print_options(out, mask, OptionGroup::kOther, "Options");
  // Transfer settings are accepted everywhere (like the other configuration) but only
  // matter to cp, so only cp's help lists them.
  if (c->command == Command::kCp)
    print_options(out, mask, OptionGroup::kTransfer, "Transfer options");
  print_options(
      out, mask, OptionGroup::kObject,
      c->command == Command::kCp ? "Object options (as S3 request headers)" : "Object options");
  print_options(out, mask, OptionGroup::kGlobal, "Global options");
  if (c->command == Command::kCp)
    std::fprintf(out,
                 "\nSIZE is a byte count or a number with a unit: B, KB, MB, GB (powers of 1000),\n"
                 "KiB, MiB, GiB (powers of 1024), e.g. 16MiB or 1.5GB. RATE is a SIZE with an\n"
                 "optional /s, e.g. 50MB/s.\n");
  std::fputs(kConfigText, out);
  std::fputs(kExitText, out);
  return true;
}

std::string usage_line(Command command) {
  for (const auto &c : kCommands)
    if (c.command == command && command != Command::kHelp) return std::string("usage: ") + c.usage;
  return "usage: xfer [OPTIONS] COMMAND [ARGS]";
}

}  // namespace xfer_cli
