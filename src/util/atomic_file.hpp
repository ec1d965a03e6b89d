#pragma once
// Atomic writes: the content goes to a temporary file in the same folder, is flushed to
// disk, then renamed over the target, so an interrupted run never leaves a torn file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dorefa::util {

// Writes `bytes` to `path` atomically, creating parent folders.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

// Lets `writer` produce the file at a temporary path, then renames it into place; for
// writers that insist on a path (e.g. torch::save). The temp file is removed on failure.
void write_via_temp(const std::filesystem::path& path,
                    const std::function<void(const std::filesystem::path& temp)>& writer);

// Reads a whole file; throws dorefa::Error naming the file when it cannot.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

}  // namespace dorefa::util
