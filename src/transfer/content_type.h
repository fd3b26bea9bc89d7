// content_type.h: a Content-Type guessed from a file name's extension, as the AWS CLI does.
#pragma once

#include <string_view>

namespace xfer::transfer {

// The type for common extensions (case-insensitive; "a.tar.gz" is application/gzip), or
// nullptr when the name has no extension or an unknown one. A static string.
const char *guess_content_type(std::string_view path);

}  // namespace xfer::transfer
