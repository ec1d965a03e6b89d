#pragma once
// Deterministic train/validation split and per-epoch shuffling, both by seed, so a run
// and its resumption see the same examples in the same order.
#include <cstdint>
#include <vector>

#include "data/dataset.hpp"

namespace dorefa::data {

struct TrainValSplit {
  Dataset train;
  Dataset val;
};

// Holds out `val_count` examples of `full` (chosen by `seed`) as "val"; the rest is "train".
TrainValSplit split_validation(const Dataset& full, std::size_t val_count, std::uint64_t seed);

// A permutation of 0..n-1 that depends only on (seed, epoch).
std::vector<std::size_t> epoch_order(std::size_t n, std::uint64_t seed, std::uint64_t epoch);

}  // namespace dorefa::data
