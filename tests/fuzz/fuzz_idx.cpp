// Fuzz target: IDX data files (images and labels) -> parse_idx_images / parse_idx_labels. Bad input must
// end in DataError (any other exception, a crash or a hang is a finding); accepted images have the
// header's size.
#include "golden/net/dataset.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern;
  const std::vector<uint8_t> raw(data, data + size);
  try {
    int rows = 0, cols = 0;
    const auto imgs = parse_idx_images(raw, "fuzz", &rows, &cols);
    for (const auto& im : imgs) {
      fuzz::check(im.size() == static_cast<size_t>(rows) * static_cast<size_t>(cols), "image size != header size");
    }
  } catch (const DataError&) {
  }
  try {
    for (int l : parse_idx_labels(raw, "fuzz")) fuzz::check(l >= 0 && l <= 9, "label outside 0..9 accepted");
  } catch (const DataError&) {
  }
  return 0;
}
