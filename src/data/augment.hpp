#pragma once
// Augmentation on raw uint8 images: random shift, i.e. zero-pad by `pad` pixels on each
// side then crop back to the original size at a random offset (the classic MNIST/CIFAR crop).
#include <cstdint>
#include <random>
#include <span>

namespace dorefa::data {

struct AugmentOptions {
  int pad = 0;  // 0 disables augmentation
};

// Writes `src` shifted by (dy, dx), zero-filled, into `dst` (same rows x cols x channels).
void shift_image(std::span<const std::uint8_t> src, std::span<std::uint8_t> dst, int rows, int cols,
                 int channels, int dy, int dx);

// Random shift in [-pad, pad]^2 drawn from `rng`.
void random_shift(std::span<const std::uint8_t> src, std::span<std::uint8_t> dst, int rows, int cols,
                  int channels, int pad, std::mt19937_64& rng);

}  // namespace dorefa::data
