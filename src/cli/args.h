// args.h: command-line parsing for the xfer tool: the option table, sizes, rates and counts.
// Pure functions over strings: nothing here calls the library, so all of it is unit-tested.
#ifndef XFER_CLI_ARGS_H
#define XFER_CLI_ARGS_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xfer_cli {

enum class Command { kNone, kHelp, kCp, kLs, kMb, kRb, kRm, kPresign };

// Bit per command, for saying where an option is accepted.
enum CommandMask : unsigned {
  kMaskCp = 1u << 0,
  kMaskMb = 1u << 1,
  kMaskRb = 1u << 2,
  kMaskRm = 1u << 3,
  kMaskPresign = 1u << 4,
  kMaskLs = 1u << 5,
  kMaskAll = kMaskCp | kMaskMb | kMaskRb | kMaskRm | kMaskPresign | kMaskLs,
};

// The library operation a cp resolves to once it knows SRC and DST; rm is a delete.
enum class Operation { kUpload, kDownload, kCopy, kDelete };

enum class ValueKind {
  kFlag,           // --quiet
  kValue,          // --region R or --region=R
  kOptionalValue,  // --sse [AES256|aws:kms]: takes the next word only if it is a known value
};

// Where help lists an option. kTransfer options are listed in cp's help only; those among
// them that configure the manager are accepted by every command, like the other settings.
enum class OptionGroup { kGlobal, kTransfer, kObject, kOther };

struct OptionSpec {
  const char *name;  // "--region"
  ValueKind kind;
  unsigned commands;    // CommandMask bits of the commands that accept it
  OptionGroup group;    // where help lists it
  const char *metavar;  // "R" in "--region R"; for kOptionalValue, the default value
  const char *help;     // one line
  std::vector<const char *> known_values;  // kOptionalValue: words it may consume
};

// Every option the tool knows, in help order.
const std::vector<OptionSpec> &option_specs();

struct Options {
  // configuration, applied after xfer_config_load_env
  std::optional<std::string> profile;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> region;
  std::optional<bool> path_style;
  bool no_verify_ssl = false;
  std::optional<std::string> ca_bundle;
  std::optional<uint32_t> connect_timeout_ms;
  // transfer knobs
  std::optional<uint64_t> multipart_threshold;
  std::optional<uint64_t> multipart_chunksize;
  std::optional<uint32_t> max_concurrency;
  std::optional<uint64_t> max_bandwidth;
  std::optional<std::string> checksum_algorithm;
  std::optional<uint64_t> expected_size;  // of a stream from stdin
  bool aws_chunked = false;               // stdin upload as signed aws-chunked bodies
  // output and behaviour
  bool help = false;
  bool version = false;
  bool quiet = false;
  bool no_progress = false;
  bool dryrun = false;
  bool recursive = false;
  bool no_guess_mime_type = false;
  bool human_readable = false;  // ls
  bool summarize = false;       // ls
  // --include (true) / --exclude (false) globs for recursive transfers, in the order given
  std::vector<std::pair<bool, std::string>> filters;
  uint32_t expires_in = 3600;
  // per-object arguments: (option name, value) as given, resolved per operation later
  std::vector<std::pair<std::string, std::string>> object_options;
  std::vector<std::pair<std::string, std::string>> metadata;
};

struct Invocation {
  Command command = Command::kNone;
  std::string command_name;              // as typed ("cp"), empty when none
  std::vector<std::string> positionals;  // after the command name
  Options options;
};

struct ParseResult {
  bool ok = false;
  Invocation invocation;  // filled as far as parsing got, so errors can name the command
  std::string error;      // usage error message when !ok
};

// Parses argv[1..]: global options may come before or after the command, "--" ends options,
// a lone "-" is a positional (stdin/stdout). Checks option values and that every option is
// accepted by the command; positional counts are checked by the commands.
ParseResult parse_command_line(const std::vector<std::string> &args);

// The command for a name ("cp" -> kCp); kNone if unknown.
Command command_from_name(std::string_view name);
unsigned command_mask(Command c);
// The name of a command ("cp"); "" for kNone.
const char *command_name(Command c);

// Human sizes: "1048576", "512B", "16MiB", "1.5GiB", "50MB" (KB/MB/GB/TB = powers of 1000,
// KiB/MiB/GiB/TiB = powers of 1024, case-insensitive).
bool parse_size(std::string_view text, uint64_t *out, std::string *error);
// A size with an optional "/s": "50MB/s", "10MiB".
bool parse_rate(std::string_view text, uint64_t *out, std::string *error);
// A decimal integer in [min, max].
bool parse_uint32(std::string_view text, uint32_t min, uint32_t max, uint32_t *out,
                  std::string *error);

// "CRC32", "crc32c", ... -> the canonical upper-case name; false if unknown.
bool parse_checksum_algorithm(std::string_view text, std::string *out, std::string *error);

// "key=value" for --metadata; the key must be non-empty.
bool parse_metadata(std::string_view text, std::pair<std::string, std::string> *out,
                    std::string *error);

// The ExtraArgs (boto3 names, for xfer_args_set) that the per-object options and metadata
// mean for one operation. An option that the operation does not take is an error naming it.
// For a copy with new metadata or content headers, MetadataDirective REPLACE is added unless
// --metadata-directive was given (as the AWS CLI does).
struct ResolvedArgs {
  std::vector<std::pair<std::string, std::string>> extra;  // (ExtraArgs name, value)
  std::vector<std::pair<std::string, std::string>> metadata;
};
bool resolve_object_args(const Options &options, Operation op, ResolvedArgs *out,
                         std::string *error);

}  // namespace xfer_cli

#endif  // XFER_CLI_ARGS_H
