#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "util/error.hpp"

namespace dorefa::util {
namespace fs = std::filesystem;

namespace {

fs::path temp_path_for(const fs::path& path) {
  std::random_device rd;
  // Built with append: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
  std::string name = ".";
  name.append(path.filename().string()).append(".tmp").append(std::to_string(rd()));
  return path.parent_path() / name;
}

void ensure_parent(const fs::path& path) {
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(path.parent_path().string(), "cannot create folder: " + ec.message());
  }
}

void fsync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_via_temp(const fs::path& path, const std::function<void(const fs::path&)>& writer) {
  ensure_parent(path);
  const fs::path temp = temp_path_for(path);
  try {
    writer(temp);
    fsync_path(temp);
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) throw Error(path.string(), "cannot rename temporary file into place: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
}

void write_file_atomic(const fs::path& path, std::span<const std::uint8_t> bytes) {
  write_via_temp(path, [&](const fs::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(temp.string(), std::string("cannot open for writing: ") + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(temp.string(), "write failed (disk full?)");
  });
}

void write_file_atomic(const fs::path& path, std::string_view text) {
  write_file_atomic(path, std::span<const std::uint8_t>(
                              reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::vector<std::uint8_t> read_file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(path.string(), std::string("cannot open file: ") +
                                   (fs::exists(path) ? std::strerror(errno) : "no such file"));
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

std::string read_file_text(const fs::path& path) {
  auto bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace dorefa::util
