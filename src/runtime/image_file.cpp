#include "runtime/image_file.hpp"

#include <cctype>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::runtime {
namespace {

// Reads one whitespace-delimited decimal header token, skipping '#' comments.
int next_int(const std::vector<std::uint8_t>& b, std::size_t& pos, const std::string& where, const char* field) {
  while (pos < b.size()) {
    if (std::isspace(b[pos])) {
      ++pos;
    } else if (b[pos] == '#') {
      while (pos < b.size() && b[pos] != '\n') ++pos;
    } else {
      break;
    }
  }
  std::int64_t v = 0;
  std::size_t start = pos;
  while (pos < b.size() && std::isdigit(b[pos]) && v < 1'000'000) v = v * 10 + (b[pos++] - '0');
  if (pos == start || v >= 1'000'000)
    throw Error(where + ": " + field, pos < b.size() ? fmt::format("expected a decimal number below 1000000, found byte {:#04x}", b[pos])
                                                     : std::string("expected a decimal number, found end of file"));
  return int(v);
}

}  // namespace

GreyImage read_pgm(const std::filesystem::path& path) {
  const std::string where = path.string();
  const std::vector<std::uint8_t> b = util::read_file_bytes(path);
  if (b.size() >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
    throw Error(where, "format: expected a PGM image (P5 binary or P2 ASCII, 8-bit grey), found PNG, which is not "
                       "supported; convert it, e.g. `convert IN.png -colorspace gray -depth 8 OUT.pgm`");
  if (b.size() < 2 || b[0] != 'P' || (b[1] != '5' && b[1] != '2'))
    throw Error(where + ": magic", fmt::format("expected \"P5\" or \"P2\" (PGM), found \"{}\"",
                                               std::string(b.begin(), b.begin() + std::ptrdiff_t(std::min<std::size_t>(2, b.size())))));
  const bool binary = b[1] == '5';
  std::size_t pos = 2;
  GreyImage img;
  img.width = next_int(b, pos, where, "width");
  img.height = next_int(b, pos, where, "height");
  img.maxval = next_int(b, pos, where, "maxval");
  if (img.width < 1 || img.height < 1) throw Error(where + ": size", fmt::format("expected at least 1x1, found {}x{}", img.width, img.height));
  if (img.maxval < 1 || img.maxval > 255)
    throw Error(where + ": maxval", fmt::format("expected 1 .. 255 (8-bit grey), found {}", img.maxval));
  const std::size_t n = std::size_t(img.width) * std::size_t(img.height);
  img.pixels.resize(n);
  if (binary) {
    ++pos;  // exactly one whitespace byte after maxval
    if (b.size() < pos + n)
      throw Error(where + ": pixel data", fmt::format("expected {} bytes ({}x{}), found {}", n, img.width, img.height,
                                                      b.size() > pos ? b.size() - pos : 0));
    std::copy(b.begin() + std::ptrdiff_t(pos), b.begin() + std::ptrdiff_t(pos + n), img.pixels.begin());
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const int v = next_int(b, pos, where, "pixel data");
      if (v > img.maxval)
        throw Error(where + ": pixel data", fmt::format("expected values 0 .. {} (maxval), found {} at pixel {}", img.maxval, v, i));
      img.pixels[i] = std::uint8_t(v);
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (img.pixels[i] > img.maxval)
      throw Error(where + ": pixel data", fmt::format("expected values 0 .. {} (maxval), found {} at pixel {}", img.maxval, img.pixels[i], i));
  return img;
}

}  // namespace dorefa::runtime
