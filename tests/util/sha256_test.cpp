#include "util/sha256.hpp"

#include <string>

#include <gtest/gtest.h>

namespace dorefa::util {
namespace {

std::string hex_of(const std::string& s) {
  return sha256_hex({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  std::string text(1000, 'x');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = char('a' + i % 26);
  Sha256 h;
  for (std::size_t i = 0; i < text.size(); i += 37) {
    std::size_t n = std::min<std::size_t>(37, text.size() - i);
    h.update({reinterpret_cast<const std::uint8_t*>(text.data()) + i, n});
  }
  EXPECT_EQ(h.finish_hex(), hex_of(text));
}

}  // namespace
}  // namespace dorefa::util
