// paths.h: local path helpers for cp (target names, display form) and Content-Type guessing.
// Pure functions over strings: the caller does any stat() and passes what it found.
#ifndef XFER_CLI_PATHS_H
#define XFER_CLI_PATHS_H

#include <string>
#include <string_view>

namespace xfer_cli {

// The path as the AWS CLI prints it: relative paths get a "./" prefix ("f" -> "./f").
std::string display_local_path(std::string_view path);

// dir + '/' + name, without doubling a trailing slash.
std::string join_path(std::string_view dir, std::string_view name);

// The last segment of a local path ("a/b/c.txt" -> "c.txt"; "a/b/" -> "").
std::string local_basename(std::string_view path);

// The key to upload to: the URL's key, or, when it is empty or ends in '/', that prefix plus
// the source's basename (source_name: a local path or another key).
std::string upload_key_for(std::string_view dst_key, std::string_view source_name);

// The local file to download key to. When dst ends in '/' or dst_is_dir, the key's basename
// inside dst; otherwise dst itself. False with a message when no usable file name follows
// from the key (it ends in '/', or its basename is "." or "..").
bool download_path_for(std::string_view dst, bool dst_is_dir, std::string_view key,
                       std::string *out, std::string *error);

// A Content-Type for common file extensions (case-insensitive), or "" when unknown.
std::string guess_content_type(std::string_view path);

}  // namespace xfer_cli

#endif  // XFER_CLI_PATHS_H
