#include "data/idx.hpp"

#if DOREFA_HAVE_ZLIB
#include <zlib.h>
#endif

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace {

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

#if DOREFA_HAVE_ZLIB
std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& in, const std::filesystem::path& path) {
  z_stream zs{};
  // 16 + MAX_WBITS: accept only the gzip wrapper.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    throw Error(path.string(), "zlib could not be initialised", ErrorKind::kInternal);
  }
  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 16];
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string msg = zs.msg ? zs.msg : "unexpected end of data";
      inflateEnd(&zs);
      throw Error(path.string(), fmt::format("corrupt gzip data: {} (expected a complete gzip stream)", msg));
    }
    out.insert(out.end(), chunk, chunk + (sizeof chunk - zs.avail_out));
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      throw Error(path.string(), "truncated gzip data: the stream ends before its end marker");
    }
  }
  inflateEnd(&zs);
  return out;
}
#else
// The ARM runtime build links no zlib (a static binary for the board): it reads the
// uncompressed IDX files setup.sh fetches, and says so for a gzip one.
std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>&, const std::filesystem::path& path) {
  throw Error(path.string(), "gzip-compressed, but this build has no zlib (expected an uncompressed IDX file: gunzip it)");
}
#endif

}  // namespace

std::vector<std::uint8_t> read_maybe_gzip(const std::filesystem::path& path) {
  auto bytes = util::read_file_bytes(path);
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(bytes, path);
  return bytes;
}

IdxArray read_idx(const std::filesystem::path& path, int expected_rank) {
  const auto bytes = read_maybe_gzip(path);
  const std::string where = path.string();
  if (bytes.size() < 4) {
    throw Error(where, fmt::format("file is {} bytes, too short for an IDX header (expected at least {})",
                                   bytes.size(), 4 + 4 * expected_rank));
  }
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08) {
    throw Error(where, fmt::format("bad IDX magic {:02x} {:02x} {:02x} {:02x} (expected 00 00 08 {:02x}: "
                                   "unsigned bytes, {} dimensions)",
                                   bytes[0], bytes[1], bytes[2], bytes[3], expected_rank, expected_rank));
  }
  const int rank = bytes[3];
  if (rank != expected_rank) {
    throw Error(where, fmt::format("IDX file has {} dimensions (expected {})", rank, expected_rank));
  }
  const std::size_t header = 4 + 4 * std::size_t(rank);
  if (bytes.size() < header) {
    throw Error(where, fmt::format("header truncated: file is {} bytes (expected at least {})", bytes.size(), header));
  }
  IdxArray array;
  std::size_t count = 1;
  for (int d = 0; d < rank; ++d) {
    std::uint32_t n = read_be32(bytes.data() + 4 + 4 * d);
    if (n == 0) throw Error(where, fmt::format("dimension {} is 0 (expected a positive size)", d));
    array.dims.push_back(n);
    count *= n;
  }
  const std::size_t have = bytes.size() - header;
  if (have < count) {
    throw Error(where, fmt::format("data truncated: header promises {} bytes, file holds {}", count, have));
  }
  if (have > count) {
    throw Error(where, fmt::format("{} unexpected trailing bytes after the {} bytes the header promises",
                                   have - count, count));
  }
  array.values.assign(bytes.begin() + std::ptrdiff_t(header), bytes.end());
  return array;
}

}  // namespace dorefa::data
