#include "data/split.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::data {

std::vector<std::size_t> epoch_order(std::size_t n, std::uint64_t seed, std::uint64_t epoch) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Fisher-Yates with mt19937_64: std::shuffle's algorithm is implementation-defined.
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + epoch);
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = std::size_t(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

TrainValSplit split_validation(const Dataset& full, std::size_t val_count, std::uint64_t seed) {
  if (val_count >= full.size()) {
    throw Error("dataset '" + full.name + "'", fmt::format("validation size {} leaves no training data "
                                                           "(expected fewer than {})", val_count, full.size()));
  }
  auto order = epoch_order(full.size(), seed, /*epoch=*/~0ULL);
  std::vector<std::size_t> val(order.begin(), order.begin() + std::ptrdiff_t(val_count));
  std::vector<std::size_t> train(order.begin() + std::ptrdiff_t(val_count), order.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  return {full.subset(train, "train"), full.subset(val, "val")};
}

}  // namespace dorefa::data
