#include "data/image_codec.hpp"

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdlib>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

#if DOREFA_HAVE_IMAGE_CODECS
#include <jpeglib.h>
#include <png.h>
#endif

namespace dorefa::data {
namespace fs = std::filesystem;

Image fit_image(const Image& in, int rows, int cols, int channels) {
  if (in.rows <= 0 || in.cols <= 0 || (in.channels != 1 && in.channels != 3) || rows <= 0 || cols <= 0 ||
      (channels != 1 && channels != 3))
    throw Error("fit_image", fmt::format("cannot fit a {}x{}x{} image to {}x{}x{}", in.rows, in.cols, in.channels,
                                         rows, cols, channels),
                ErrorKind::kInternal);
  // Scale so the image covers the target, then take the centre: source coordinate of
  // target pixel (y, x) is (y + off_y) / scale, sampled at pixel centres.
  const double scale = std::max(double(rows) / in.rows, double(cols) / in.cols);
  const double off_y = (in.rows * scale - rows) / 2, off_x = (in.cols * scale - cols) / 2;
  Image out{rows, cols, channels, std::vector<std::uint8_t>(std::size_t(rows) * cols * channels)};
  std::vector<double> px(std::size_t(in.channels));
  for (int y = 0; y < rows; ++y) {
    const double sy = std::clamp((y + off_y + 0.5) / scale - 0.5, 0.0, double(in.rows - 1));
    const int y0 = int(sy), y1 = std::min(y0 + 1, in.rows - 1);
    const double fy = sy - y0;
    for (int x = 0; x < cols; ++x) {
      const double sx = std::clamp((x + off_x + 0.5) / scale - 0.5, 0.0, double(in.cols - 1));
      const int x0 = int(sx), x1 = std::min(x0 + 1, in.cols - 1);
      const double fx = sx - x0;
      for (int c = 0; c < in.channels; ++c) {
        auto at = [&](int yy, int xx) { return double(in.pixels[(std::size_t(yy) * in.cols + xx) * in.channels + c]); };
        px[std::size_t(c)] = (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) +
                             (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
      }
      std::uint8_t* o = out.pixels.data() + (std::size_t(y) * cols + x) * channels;
      auto u8 = [](double v) { return std::uint8_t(std::clamp(std::lround(v), 0L, 255L)); };
      if (channels == in.channels) {
        for (int c = 0; c < channels; ++c) o[c] = u8(px[std::size_t(c)]);
      } else if (channels == 1) {
        o[0] = u8(0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]);
      } else {
        o[0] = o[1] = o[2] = u8(px[0]);
      }
    }
  }
  return out;
}

#if DOREFA_HAVE_IMAGE_CODECS

bool image_codecs_available() { return true; }

namespace {

Image read_png(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, bytes.data(), bytes.size()))
    throw Error(path.string(), fmt::format("unreadable PNG image: {}", img.message));
  const bool colour = (img.format & PNG_FORMAT_FLAG_COLOR) != 0;
  img.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;  // alpha dropped (composited on black)
  Image out{int(img.height), int(img.width), colour ? 3 : 1, {}};
  out.pixels.resize(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, out.pixels.data(), 0, nullptr)) {
    const std::string msg = img.message;
    png_image_free(&img);
    throw Error(path.string(), fmt::format("corrupt PNG image: {}", msg));
  }
  return out;
}

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// libjpeg only warns on corrupt or truncated data (and fills the rest with grey); keep
// the first warning so that the reader can refuse the image.
void jpeg_keep_warning(j_common_ptr cinfo, int level) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  if (level < 0 && cinfo->err->num_warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->message);
}

Image read_jpeg(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  jpeg_decompress_struct cinfo{};
  JpegError err{};
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  err.mgr.emit_message = jpeg_keep_warning;
  Image out;
  // Nothing with a destructor lives between setjmp and a longjmp into it but `out`,
  // which is declared before.
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw Error(path.string(), fmt::format("corrupt JPEG image: {}", err.message));
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out.rows = int(cinfo.output_height);
  out.cols = int(cinfo.output_width);
  out.channels = int(cinfo.output_components);
  out.pixels.resize(std::size_t(out.rows) * out.cols * out.channels);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.pixels.data() + std::size_t(cinfo.output_scanline) * out.cols * out.channels;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  const long warnings = err.mgr.num_warnings;
  jpeg_destroy_decompress(&cinfo);
  if (warnings > 0) throw Error(path.string(), fmt::format("corrupt JPEG image: {}", err.message));
  return out;
}

void check_writable(const fs::path& path, const Image& image) {
  if (image.rows <= 0 || image.cols <= 0 || (image.channels != 1 && image.channels != 3) ||
      image.pixels.size() != std::size_t(image.rows) * image.cols * image.channels)
    throw Error(path.string(), fmt::format("cannot write a {}x{}x{} image of {} bytes", image.rows, image.cols,
                                           image.channels, image.pixels.size()),
                ErrorKind::kInternal);
}

}  // namespace

Image read_image(const fs::path& path) {
  const std::vector<std::uint8_t> bytes = util::read_file_bytes(path);
  static const std::uint8_t kPng[] = {0x89, 'P', 'N', 'G'};
  if (bytes.size() >= 4 && std::equal(kPng, kPng + 4, bytes.begin())) return read_png(path, bytes);
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return read_jpeg(path, bytes);
  throw Error(path.string(), fmt::format("not a PNG or JPEG image ({} bytes, first bytes do not match either)",
                                         bytes.size()));
}

void write_png(const fs::path& path, const Image& image) {
  check_writable(path, image);
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  img.width = png_uint_32(image.cols);
  img.height = png_uint_32(image.rows);
  img.format = image.channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(img, size, 0, image.pixels.data(), 0, nullptr))
    throw Error(path.string(), fmt::format("PNG encoding failed: {}", img.message), ErrorKind::kInternal);
  std::vector<std::uint8_t> out(size);
  if (!png_image_write_to_memory(&img, out.data(), &size, 0, image.pixels.data(), 0, nullptr))
    throw Error(path.string(), fmt::format("PNG encoding failed: {}", img.message), ErrorKind::kInternal);
  out.resize(size);
  util::write_file_atomic(path, std::string(out.begin(), out.end()));
}

void write_jpeg(const fs::path& path, const Image& image, int quality) {
  check_writable(path, image);
  jpeg_compress_struct cinfo{};
  JpegError err{};
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  unsigned char* mem = nullptr;
  unsigned long mem_size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(mem);
    throw Error(path.string(), fmt::format("JPEG encoding failed: {}", err.message), ErrorKind::kInternal);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &mem, &mem_size);
  cinfo.image_width = JDIMENSION(image.cols);
  cinfo.image_height = JDIMENSION(image.rows);
  cinfo.input_components = image.channels;
  cinfo.in_color_space = image.channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<std::uint8_t*>(image.pixels.data()) +
                   std::size_t(cinfo.next_scanline) * image.cols * image.channels;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(mem), mem_size);
  jpeg_destroy_compress(&cinfo);
  std::free(mem);
  util::write_file_atomic(path, out);
}

#else  // built without libpng / libjpeg (the ARM runtime build)

bool image_codecs_available() { return false; }

namespace {
[[noreturn]] void no_codecs(const fs::path& path) {
  throw Error(path.string(), "this build has no PNG/JPEG support (libpng and libjpeg were not found at configure time)");
}
}  // namespace

Image read_image(const fs::path& path) { no_codecs(path); }
void write_png(const fs::path& path, const Image&) { no_codecs(path); }
void write_jpeg(const fs::path& path, const Image&, int) { no_codecs(path); }

#endif

}  // namespace dorefa::data
