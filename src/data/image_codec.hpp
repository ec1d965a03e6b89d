#pragma once
// PNG and JPEG images in and out, through Debian's libpng and libjpeg-turbo, for image
// folder datasets (data/image_folder.hpp). Built without them (the ARM cross build),
// image_codecs_available() is false and every call throws.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace dorefa::data {

// 8-bit pixels, HWC, 1 (grey) or 3 (RGB) channels: an alpha channel is dropped.
struct Image {
  int rows = 0, cols = 0, channels = 0;
  std::vector<std::uint8_t> pixels;
};

bool image_codecs_available();

// Decodes a PNG or JPEG file, chosen by its first bytes (not the name). Throws
// dorefa::Error naming the file when it is unreadable, neither format, or corrupt.
Image read_image(const std::filesystem::path& path);

// Writes `image` as PNG (lossless) or JPEG (quality 0..100), atomically.
void write_png(const std::filesystem::path& path, const Image& image);
void write_jpeg(const std::filesystem::path& path, const Image& image, int quality = 95);

// `image` scaled (bilinear) so that it covers rows x cols with its aspect ratio kept, then
// cropped to the centre, converted to `channels` (RGB -> grey: ITU-R BT.601 luma; grey ->
// RGB: the value in every channel).
Image fit_image(const Image& image, int rows, int cols, int channels);

}  // namespace dorefa::data
