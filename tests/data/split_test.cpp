#include "data/split.hpp"

#include <set>

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace {

TEST(Split, DeterministicDisjointAndComplete) {
  Dataset test = load_dataset("mnist", "test");
  auto a = split_validation(test, 1000, 7);
  auto b = split_validation(test, 1000, 7);
  auto c = split_validation(test, 1000, 8);
  EXPECT_EQ(a.val.size(), 1000u);
  EXPECT_EQ(a.train.size(), 9000u);
  EXPECT_EQ(a.val.checksum(), b.val.checksum());
  EXPECT_NE(a.val.checksum(), c.val.checksum());
  // Every label count adds back up to the full set's.
  auto full = test.class_histogram(), ht = a.train.class_histogram(), hv = a.val.class_histogram();
  for (int k = 0; k < 10; ++k) EXPECT_EQ(full[k], ht[k] + hv[k]);
}

TEST(Split, EpochOrderIsAPermutationThatChangesPerEpoch) {
  auto e0 = epoch_order(1000, 1, 0);
  auto e1 = epoch_order(1000, 1, 1);
  EXPECT_EQ(std::set<std::size_t>(e0.begin(), e0.end()).size(), 1000u);
  EXPECT_NE(e0, e1);
  EXPECT_EQ(e0, epoch_order(1000, 1, 0));
}

TEST(Split, ValidationAsLargeAsDataIsAnError) {
  Dataset test = load_dataset("mnist", "test").head(10);
  EXPECT_THROW(split_validation(test, 10, 1), Error);
}

}  // namespace
}  // namespace dorefa::data
