// listing.h: one page of ListObjectsV2, shared by listings, prefix deletes and directory
// downloads.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/error.h"
#include "s3/xml.h"
#include "transfer/engine.h"

namespace xfer::transfer {

struct ListPage {
  std::vector<s3::ObjectEntry> objects;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next_token;
};

// GET ?list-type=2 for one page (up to 1,000 keys), keys url-encoded on the wire.
core::Error fetch_list_page(Engine &eng, const std::atomic<bool> *cancel, const std::string &bucket,
                            const std::string &prefix, const std::string &delimiter,
                            const std::string &token, ListPage *out);

}  // namespace xfer::transfer
