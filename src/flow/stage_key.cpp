#include "flow/stage_key.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "hw/process.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace dorefa::flow {
namespace fs = std::filesystem;

namespace {

std::string text_sha(const std::string& text) {
  return util::sha256_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string file_sha(const fs::path& path) {
  if (!fs::is_regular_file(path)) return "absent";
  return util::sha256_hex(util::read_file_bytes(path));
}

}  // namespace

StageKey& StageKey::file(const std::string& name, const fs::path& path) {
  parts_.push_back(name + "=" + file_sha(path));
  return *this;
}

StageKey& StageKey::folder(const std::string& name, const fs::path& dir, const std::vector<std::string>& skip) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (fs::is_directory(dir)) {
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
      const std::string rel = fs::relative(it->path(), dir).generic_string();
      if (it->is_directory() && std::find(skip.begin(), skip.end(), rel) != skip.end()) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) entries.emplace_back(rel, file_sha(it->path()));
    }
  }
  std::sort(entries.begin(), entries.end());
  std::string listing;
  for (const auto& [rel, sha] : entries) listing += rel + " " + sha + "\n";
  parts_.push_back(name + "=" + text_sha(listing));
  return *this;
}

StageKey& StageKey::text(const std::string& name, const std::string& value) {
  parts_.push_back(name + "=" + text_sha(value));
  return *this;
}

std::string StageKey::hex() const {
  std::string all;
  for (const auto& p : parts_) all += p + "\n";
  return text_sha(all);
}

const std::string& executable_identity() {
  static const std::string identity = file_sha("/proc/self/exe");
  return identity;
}

std::string tool_version(const std::string& program, const std::string& flag) {
  static std::mutex mutex;
  static std::map<std::string, std::string> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string command = program + " " + flag;
  if (auto it = cache.find(command); it != cache.end()) return it->second;
  std::string first_line;
  try {
    const hw::ProcessResult r = hw::run_streaming({program, flag}, "/dev/null", [&](const std::string& line) {
      if (first_line.empty()) first_line = line;
    });
    if (r.exit_code != 0) first_line.clear();
  } catch (const Error&) {
    first_line.clear();  // not on PATH
  }
  if (first_line.empty()) first_line = program + " not found";
  return cache[command] = first_line;
}

}  // namespace dorefa::flow
