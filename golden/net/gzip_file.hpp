// Whole-file gzip reader shared by the model and data-set loaders: says whether a bad stream is
// truncated (ends early) or corrupt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tern {

// What is wrong with a gzip file, without the path (the callers add it and their own error type).
class GzipError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Decompresses the file at `path` (a file that is not gzip is returned as it is, as zlib does);
// throws GzipError: cannot open, stream truncated, stream corrupt, or more than `max_bytes` out.
std::vector<uint8_t> gunzip_file(const std::string& path, size_t max_bytes);

}  // namespace tern
