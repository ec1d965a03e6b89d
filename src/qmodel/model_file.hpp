#pragma once
// The integer model file (`.dqm`, dorefa quantized model): magic, format version, header,
// layer records and a SHA-256 checksum; the byte layout is in docs/model-file.md.
// Loading checks every field and names the file, layer and field that are wrong.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "qmodel/model.hpp"
#include "qmodel/validate.hpp"

namespace dorefa::qmodel {

inline constexpr std::uint32_t kModelFormatVersion = 1;
inline constexpr const char* kModelFileExtension = ".dqm";

// Validates `model` and writes it atomically (a crash never leaves a torn file).
void save_model(const Model& model, const std::filesystem::path& path);

// Reads, checks (structure, checksum, then validate()) and returns the model in `path`.
Model load_model(const std::filesystem::path& path);

// The file bytes of `model`, without validating it (tests build corrupt files with this).
std::vector<std::uint8_t> encode_model(const Model& model);

// Parses and fully checks file bytes; `where` names the source in error messages.
Model decode_model(std::span<const std::uint8_t> bytes, const std::string& where);

// Recomputes the trailing checksum of file bytes in place (for tests and the fuzzer,
// which corrupt a field and still want to get past the checksum). No-op if too short.
void reseal_checksum(std::vector<std::uint8_t>& bytes);

// SHA-256 (hex) of the model's file bytes: a stable identity for reports and caches.
std::string model_digest(const Model& model);

}  // namespace dorefa::qmodel
