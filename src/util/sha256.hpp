#pragma once
// SHA-256 (FIPS 180-4), for dataset checksums and model-file provenance.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace dorefa::util {

class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> bytes);
  std::array<std::uint8_t, 32> finish();
  // Lowercase hex digest of everything passed to update().
  std::string finish_hex();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::uint64_t length_ = 0;
  std::size_t buffered_ = 0;
};

std::string sha256_hex(std::span<const std::uint8_t> bytes);

}  // namespace dorefa::util
