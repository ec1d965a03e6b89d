#include "qmodel/model_file.hpp"

#include <array>
#include <cstring>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace dorefa::qmodel {
namespace {

// PNG-style magic: the high byte and CR LF / ^Z / LF catch text-mode transfers.
constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 'D', 'Q', 'M', '\r', '\n', 0x1a, '\n'};
constexpr std::size_t kPreambleSize = 24;  // magic, u32 version, u32 flags, u64 body_size
constexpr std::size_t kChecksumSize = 32;  // SHA-256 of everything before it

// Little-endian writer.
class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) { put(v, 4); }
  void i32(std::int32_t v) { put(std::uint32_t(v), 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { put(std::uint64_t(v), 8); }
  void str(const std::string& s) {
    u32(std::uint32_t(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void shape(const Shape& s) {
    i32(s.height);
    i32(s.width);
    i32(s.channels);
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    u64(v.size());
    for (T x : v) put(std::uint64_t(std::make_unsigned_t<T>(x)), sizeof(T));
  }
  std::vector<std::uint8_t>& bytes() { return out_; }

 private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(std::uint8_t(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

// Little-endian reader over a bounded span; every read names the field it was for.
class Reader {
 public:
  Reader(std::span<const std::uint8_t> bytes, std::size_t base, std::string where)
      : bytes_(bytes), base_(base), where_(std::move(where)) {}

  std::uint8_t u8(const char* field) { return std::uint8_t(get(field, 1)); }
  std::uint32_t u32(const char* field) { return std::uint32_t(get(field, 4)); }
  std::int32_t i32(const char* field) { return std::int32_t(std::uint32_t(get(field, 4))); }
  std::uint64_t u64(const char* field) { return get(field, 8); }
  std::int64_t i64(const char* field) { return std::int64_t(get(field, 8)); }
  std::string str(const char* field, std::size_t max_len) {
    const std::uint32_t n = u32(field);
    if (n > max_len) fail(field, fmt::format("expected a length of at most {}, found {}", max_len, n));
    need(field, n);
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  Shape shape(const char* field) {
    Shape s;
    s.height = i32(field);
    s.width = i32(field);
    s.channels = i32(field);
    return s;
  }
  template <typename T>
  std::vector<T> array(const char* field) {
    const std::uint64_t n = u64(field);
    if (n > remaining() / sizeof(T))
      fail(field, fmt::format("expected a count of at most {} ({} bytes left in the record), found {}",
                              remaining() / sizeof(T), remaining(), n));
    std::vector<T> v(n);
    for (auto& x : v) x = T(std::make_unsigned_t<T>(get(field, sizeof(T))));
    return v;
  }
  Reader sub(const char* field, std::size_t n, std::string where) {
    need(field, n);
    Reader r(bytes_.subspan(pos_, n), base_ + pos_, std::move(where));
    pos_ += n;
    return r;
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::size_t offset() const { return base_ + pos_; }
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(where_ + ": " + field, what);
  }

 private:
  void need(const char* field, std::size_t n) {
    if (n > remaining())
      fail(field, fmt::format("expected {} more bytes at offset {}, found only {} (record truncated)", n, offset(),
                              remaining()));
  }
  std::uint64_t get(const char* field, int n) {
    need(field, std::size_t(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t(bytes_[pos_ + i]) << (8 * i);
    pos_ += std::size_t(n);
    return v;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t base_;
  std::size_t pos_ = 0;
  std::string where_;
};

constexpr std::size_t kMaxName = 4096;
constexpr std::size_t kMaxMetadata = 16u << 20;
constexpr std::uint32_t kMaxLayers = 1024;

// One line per field in file order (docs/model-file.md); decode_layer reads the same
// order back, naming each field for its error messages. The two lists are kept side by
// side rather than behind one visitor so the format reads top to bottom.
void encode_layer(Writer& w, const Layer& l) {
  w.str(l.name);
  w.u8(std::uint8_t(l.kind));
  w.shape(l.input);
  w.shape(l.output);
  w.i32(l.input_bits);
  w.i32(l.kernel);
  w.i32(l.stride);
  w.i32(l.padding);
  w.u8(std::uint8_t(l.weight_kind));
  w.i32(l.weight_bits);
  w.array(l.weights);
  w.u8(std::uint8_t(l.output_kind));
  w.i32(l.output_bits);
  w.array(l.thresholds);
  w.array(l.requant_bias);
  w.array(l.requant_mult);
  w.array(l.requant_shift);
  w.array(l.logit_mul);
  w.array(l.logit_add);
}

Layer decode_layer(Reader& r) {
  Layer l;
  l.name = r.str("name", kMaxName);
  l.kind = LayerKind(r.u8("kind"));
  l.input = r.shape("input");
  l.output = r.shape("output");
  l.input_bits = r.i32("input_bits");
  l.kernel = r.i32("kernel");
  l.stride = r.i32("stride");
  l.padding = r.i32("padding");
  l.weight_kind = WeightKind(r.u8("weight_kind"));
  l.weight_bits = r.i32("weight_bits");
  l.weights = r.array<std::int8_t>("weights");
  l.output_kind = OutputKind(r.u8("output_kind"));
  l.output_bits = r.i32("output_bits");
  l.thresholds = r.array<std::int32_t>("thresholds");
  l.requant_bias = r.array<std::int32_t>("requant_bias");
  l.requant_mult = r.array<std::int32_t>("requant_mult");
  l.requant_shift = r.array<std::int32_t>("requant_shift");
  l.logit_mul = r.array<std::int32_t>("logit_mul");
  l.logit_add = r.array<std::int64_t>("logit_add");
  return l;
}

std::string hex(std::span<const std::uint8_t> b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) s += fmt::format("{}{:02x}", i ? " " : "", b[i]);
  return s;
}

}  // namespace

std::vector<std::uint8_t> encode_model(const Model& m) {
  Writer body;
  body.str(m.name);
  body.shape(m.input);
  body.i32(m.input_bits);
  body.i32(m.num_classes);
  body.str(m.metadata_json);
  body.u32(std::uint32_t(m.layers.size()));
  for (const Layer& l : m.layers) {
    Writer rec;
    encode_layer(rec, l);
    body.u32(std::uint32_t(rec.bytes().size()));
    body.bytes().insert(body.bytes().end(), rec.bytes().begin(), rec.bytes().end());
  }
  Writer file;
  for (std::uint8_t b : kMagic) file.u8(b);
  file.u32(kModelFormatVersion);
  file.u32(0);  // flags
  file.u64(body.bytes().size());
  file.bytes().insert(file.bytes().end(), body.bytes().begin(), body.bytes().end());
  file.bytes().resize(file.bytes().size() + kChecksumSize);
  reseal_checksum(file.bytes());
  return std::move(file.bytes());
}

void reseal_checksum(std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < kChecksumSize) return;
  util::Sha256 sha;
  sha.update(std::span(bytes.data(), bytes.size() - kChecksumSize));
  auto digest = sha.finish();
  std::memcpy(bytes.data() + bytes.size() - kChecksumSize, digest.data(), kChecksumSize);
}

Model decode_model(std::span<const std::uint8_t> bytes, const std::string& where) {
  if (bytes.size() < kPreambleSize + kChecksumSize)
    throw Error(where, fmt::format("file length: expected at least {} bytes (preamble and checksum), found {} (truncated)",
                                   kPreambleSize + kChecksumSize, bytes.size()));
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin()))
    throw Error(where + ": magic", fmt::format("expected {} (a .dqm integer model file), found {}", hex(kMagic),
                                               hex(bytes.first(kMagic.size()))));
  Reader pre(bytes.first(kPreambleSize), 0, where);
  pre.sub("magic", kMagic.size(), where);
  const std::uint32_t version = pre.u32("format version");
  if (version != kModelFormatVersion)
    pre.fail("format version", fmt::format("expected {}, found {}", kModelFormatVersion, version));
  const std::uint32_t flags = pre.u32("flags");
  if (flags != 0) pre.fail("flags", fmt::format("expected 0 (version {} defines no flags), found {:#x}", version, flags));
  const std::uint64_t body_size = pre.u64("body_size");
  const std::uint64_t available = bytes.size() - kPreambleSize - kChecksumSize;
  if (body_size != available)
    throw Error(where, fmt::format("file length: expected {} bytes ({} preamble + body_size {} + {} checksum), found {} ({})",
                                   body_size > available ? std::string("more than ") + std::to_string(bytes.size())
                                                         : std::to_string(kPreambleSize + body_size + kChecksumSize),
                                   kPreambleSize, body_size, kChecksumSize, bytes.size(),
                                   body_size > available ? "truncated" : "trailing bytes"));

  util::Sha256 sha;
  sha.update(bytes.first(bytes.size() - kChecksumSize));
  const auto computed = sha.finish();
  const auto stored = bytes.last(kChecksumSize);
  if (!std::equal(computed.begin(), computed.end(), stored.begin()))
    throw Error(where + ": checksum",
                fmt::format("expected SHA-256 {} (stored), found {} (computed): the file is corrupted",
                            hex(stored).substr(0, 23) + "...", hex(computed).substr(0, 23) + "..."));

  Reader r(bytes.subspan(kPreambleSize, body_size), kPreambleSize, where + ": header");
  Model m;
  m.name = r.str("name", kMaxName);
  m.input = r.shape("input");
  m.input_bits = r.i32("input_bits");
  m.num_classes = r.i32("num_classes");
  m.metadata_json = r.str("metadata_json", kMaxMetadata);
  const std::uint32_t count = r.u32("layer count");
  if (count < 1 || count > kMaxLayers) r.fail("layer count", fmt::format("expected 1 .. {}, found {}", kMaxLayers, count));
  m.layers.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string lw = fmt::format("{}: layer {}", where, i);
    const std::uint32_t size = r.u32(fmt::format("layer {} record_size", i).c_str());
    Reader rec = r.sub(fmt::format("layer {} record_size", i).c_str(), size, lw);
    Layer l = decode_layer(rec);
    if (rec.remaining() != 0)
      rec.fail("record_size", fmt::format("expected {} bytes (the fields parsed), found {}", size - rec.remaining(), size));
    m.layers.push_back(std::move(l));
  }
  if (r.remaining() != 0)
    r.fail("body_size", fmt::format("expected {} bytes (header and {} layer records), found {}", body_size - r.remaining(),
                                    count, body_size));
  validate(m, where);
  return m;
}

void save_model(const Model& model, const std::filesystem::path& path) {
  validate(model, path.string() + " (saving)");
  util::write_file_atomic(path, encode_model(model));
}

Model load_model(const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = util::read_file_bytes(path);
  return decode_model(bytes, path.string());
}

std::string model_digest(const Model& model) { return util::sha256_hex(encode_model(model)); }

}  // namespace dorefa::qmodel
