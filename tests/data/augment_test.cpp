#include "data/augment.hpp"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

#include "data/registry.hpp"

namespace dorefa::data {
namespace {

TEST(Augment, ShiftMovesPixelsAndZeroFills) {
  std::vector<std::uint8_t> src(9);
  std::iota(src.begin(), src.end(), 1);  // 3x3: 1..9
  std::vector<std::uint8_t> dst(9);
  shift_image(src, dst, 3, 3, 1, 1, -1);  // down one, left one
  EXPECT_EQ(dst, (std::vector<std::uint8_t>{0, 0, 0, 2, 3, 0, 5, 6, 0}));
}

TEST(Augment, RandomShiftIsSomeShiftWithinPad) {
  Dataset ds = load_dataset("mnist", "test").head(50);
  std::mt19937_64 rng(3);
  std::vector<std::uint8_t> out(ds.image_bytes()), candidate(ds.image_bytes());
  int changed = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    random_shift(ds.image(i), out, 28, 28, 1, 2, rng);
    bool found = false;
    for (int dy = -2; dy <= 2 && !found; ++dy) {
      for (int dx = -2; dx <= 2 && !found; ++dx) {
        shift_image(ds.image(i), candidate, 28, 28, 1, dy, dx);
        found = candidate == out;
      }
    }
    EXPECT_TRUE(found) << "image " << i << " is not a shift by at most 2 pixels";
    changed += !std::equal(out.begin(), out.end(), ds.image(i).begin());
  }
  EXPECT_GT(changed, 30);  // 24 of 25 shifts move the image
}

}  // namespace
}  // namespace dorefa::data
