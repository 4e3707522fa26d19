// Whole-file gzip reader with "truncated" and "corrupt" told apart.
#include "golden/net/gzip_file.hpp"

#include <zlib.h>

namespace tern {

std::vector<uint8_t> gunzip_file(const std::string& path, size_t max_bytes) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw GzipError("cannot open file");
  // zlib reports a stream that ends early (no end-of-stream code or no trailer) as Z_BUF_ERROR
  // ("unexpected end of file"): from gzread (-1, or 0 as if at the end) or from gzclose.
  auto failure = [&path](int err, const char* msg) {
    if (err == Z_BUF_ERROR) return GzipError("gzip stream is truncated: the file ends before the stream does");
    std::string why = msg ? msg : "";
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);  // zlib names the file; the caller does
    return GzipError("gzip stream is corrupt" + (why.empty() ? "" : " (" + why + ")"));
  };
  auto close_and_throw = [&](const GzipError& e) {
    gzclose(f);
    throw e;
  };
  auto check = [&] {  // throws what gzerror reports, if anything
    int err = Z_OK;
    const char* msg = gzerror(f, &err);
    if (err != Z_OK && err != Z_STREAM_END) close_and_throw(failure(err, msg));
  };
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(1 << 16);
  for (int n; (n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) != 0;) {
    if (n < 0) {
      check();
      close_and_throw(GzipError("gzip stream is corrupt"));
    }
    out.insert(out.end(), buf.begin(), buf.begin() + n);
    if (out.size() > max_bytes) {
      close_and_throw(GzipError("decompressed file larger than " + std::to_string(max_bytes >> 20) + " MiB"));
    }
  }
  check();
  const int rc = gzclose(f);
  if (rc != Z_OK) throw failure(rc, nullptr);
  return out;
}

}  // namespace tern
