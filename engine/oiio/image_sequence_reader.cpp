#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "cinepipe/error.h"
#include "image_sequence.h"
#include "oiio_sequence.h"
#include "sequence_pattern.h"

namespace cinepipe {

namespace {

// The least the pool holds; ReaderOptions::frames_held raises it to what the pipeline keeps
// in flight plus what encoders hold. Exceeding it is a scheduling bug that FramePool reports.
constexpr std::size_t kMinPoolBuffers = 6;

std::string oiio_error(std::string text) {
    if (text.empty()) return "unknown OpenImageIO error";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool is_float_type(const OIIO::TypeDesc& t) {
    return t.basetype == OIIO::TypeDesc::HALF || t.basetype == OIIO::TypeDesc::FLOAT ||
           t.basetype == OIIO::TypeDesc::DOUBLE;
}

// How a file's channels land in the working frame. Files are not all RGB(A): luminance
// files (Y, YA) are spread to R=G=B, and EXRs may carry extra channels after RGBA.
struct ChannelMap {
    int read_channels = 0;              // channels [0, read_channels) are read
    std::array<int, 3> color{0, 1, 2};  // source channel of R, G, B
    int alpha = -1;                     // source channel of alpha; -1: none

    [[nodiscard]] bool identity(int components) const {
        return read_channels == components && color == std::array<int, 3>{0, 1, 2} &&
               alpha == (components == 4 ? 3 : -1);
    }
};

ChannelMap channel_map(const OIIO::ImageSpec& spec, const std::string& file) {
    ChannelMap m;
    const int n = spec.nchannels;
    int alpha = spec.alpha_channel;
    // OIIO names alpha only when the file says so; a bare 4-channel file is RGBA in practice.
    if (alpha < 0 && n == 4) alpha = 3;
    if (alpha >= n) alpha = -1;
    std::vector<int> color;
    for (int c = 0; c < n && color.size() < 3; ++c)
        if (c != alpha) color.push_back(c);
    if (color.empty()) throw InputError(file + ": image has no colour channels");
    if (color.size() < 3) color.assign(3, color.front());
    m.color = {color[0], color[1], color[2]};
    m.alpha = alpha;
    m.read_channels = std::max({color[0], color[1], color[2], alpha}) + 1;
    return m;
}

std::string native_pix_fmt(const OIIO::ImageSpec& spec, const ChannelMap& m) {
    const bool gray = m.color[0] == m.color[1] && m.color[1] == m.color[2];
    const bool alpha = m.alpha >= 0;
    const std::string layout = gray ? (alpha ? "ya" : "gray") : (alpha ? "rgba" : "rgb");
    if (is_float_type(spec.format)) {
        const char* bits = spec.format.basetype == OIIO::TypeDesc::HALF     ? "f16"
                           : spec.format.basetype == OIIO::TypeDesc::DOUBLE ? "f64"
                                                                            : "f32";
        return layout + bits;
    }
    const int bits =
        spec.get_int_attribute("oiio:BitsPerSample", static_cast<int>(spec.format.size() * 8));
    // libav's names where one exists, so probe output reads the same as for movies.
    if (bits == 8) return gray ? (alpha ? "ya8" : "gray") : layout == "rgb" ? "rgb24" : "rgba";
    if (bits == 16) return gray ? layout + "16" : alpha ? "rgba64" : "rgb48";
    return layout + std::to_string(bits);
}

std::string codec_long_name(const std::string& format) {
    if (format == "openexr") return "OpenEXR";
    if (format == "dpx") return "DPX (SMPTE 268M)";
    if (format == "tiff") return "TIFF";
    return format;
}

std::optional<Rational> rate_from_float(double fps) {
    if (!std::isfinite(fps) || fps <= 0 || fps > 1000) return std::nullopt;
    // parse_rate recognises NTSC decimals (23.976 -> 24000/1001), which float headers carry.
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%.6f", fps);
    try {
        return parse_rate(buf.data());
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::optional<Rational> header_rate(const OIIO::ImageSpec& spec) {
    if (const OIIO::ParamValue* p = spec.find_attribute("FramesPerSecond")) {
        const OIIO::TypeDesc t = p->type();
        if (t.basetype == OIIO::TypeDesc::INT && t.aggregate == OIIO::TypeDesc::VEC2) {
            const int* v = static_cast<const int*>(p->data());
            if (v[0] > 0 && v[1] > 0) return Rational{v[0], v[1]}.reduced();
        } else if (auto r = rate_from_float(p->get_float())) {
            return r;
        }
    }
    if (const OIIO::ParamValue* p = spec.find_attribute("dpx:FrameRate"))
        return rate_from_float(p->get_float());
    return std::nullopt;
}

// Continued-fraction approximation: headers store pixel aspect as a float (1.0, 2.0,
// 0.9, 1.0926...), the engine wants a small exact ratio.
Rational aspect_from_float(double value) {
    if (!std::isfinite(value) || value <= 0) return {1, 1};
    constexpr std::int64_t kMaxDen = 10000;
    std::int64_t h0 = 0, h1 = 1, k0 = 1, k1 = 0;  // convergents h/k
    double x = value;
    for (int i = 0; i < 20; ++i) {
        const auto a = static_cast<std::int64_t>(std::floor(x));
        const std::int64_t h2 = a * h1 + h0;
        const std::int64_t k2 = a * k1 + k0;
        if (k2 > kMaxDen) break;
        h0 = h1, h1 = h2, k0 = k1, k1 = k2;
        const double frac = x - static_cast<double>(a);
        if (frac < 1e-9 || std::fabs(double(h1) / double(k1) - value) < 1e-7) break;
        x = 1.0 / frac;
    }
    if (h1 <= 0 || k1 <= 0) return {1, 1};
    return Rational{h1, k1}.reduced();
}

Rational sample_aspect_of(const OIIO::ImageSpec& spec) {
    if (!spec.find_attribute("PixelAspectRatio")) return {1, 1};
    return aspect_from_float(spec.get_float_attribute("PixelAspectRatio", 1.0f));
}

std::string string_attribute(const OIIO::ImageSpec& spec, const char* name) {
    const OIIO::ParamValue* p = spec.find_attribute(name, OIIO::TypeDesc::STRING);
    return p ? p->get_string() : std::string();
}

// Primaries and transfer from a file's header; sequence pixels are RGB whatever the header
// says, so matrix and range are always rgb and pc. Formats without a colour record here
// (TIFF) stay unspecified rather than guessed.
ColorTags color_tags_of(const OIIO::ImageSpec& spec, const std::string& format) {
    ColorTags tags;
    tags.matrix = MatrixCoefficients::Rgb;
    tags.range = ColorRange::Full;
    if (format == "dpx") {
        // OpenImageIO always reports both fields, "Undefined" or "User defined" when unset.
        tags.primaries = primaries_from_dpx(string_attribute(spec, "dpx:Colorimetric"));
        tags.transfer = transfer_from_dpx(string_attribute(spec, "dpx:Transfer"));
    } else if (format == "openexr") {
        // Our own record first: it says exactly what was known, "unknown" included.
        if (spec.find_attribute("cinepipe:primaries", OIIO::TypeDesc::STRING))
            tags.primaries = primaries_from_name(string_attribute(spec, "cinepipe:primaries"))
                                 .value_or(ColorPrimaries::Unspecified);
        // Other tools write only chromaticities. A file with neither stays unspecified,
        // although OpenEXR tells viewers to assume Rec.709 then: a render's primaries are
        // too often something else to claim them.
        if (tags.primaries == ColorPrimaries::Unspecified) {
            const OIIO::ParamValue* c = spec.find_attribute("chromaticities");
            if (c && c->type().basetype == OIIO::TypeDesc::FLOAT &&
                c->type().numelements() * c->type().aggregate == 8 && c->nvalues() == 1) {
                std::array<float, 8> xy{};
                std::memcpy(xy.data(), c->data(), sizeof(xy));
                tags.primaries = primaries_from_chromaticities(xy);
            }
        }
        // EXR holds scene-linear light by convention (renders, camera plates after IDT), and
        // the format has no transfer field, so a file without our attribute is taken as
        // linear. One we wrote carries its transfer, even "unknown" for video-referred
        // values whose curve was not known.
        if (spec.find_attribute("cinepipe:transfer", OIIO::TypeDesc::STRING))
            tags.transfer = transfer_from_name(string_attribute(spec, "cinepipe:transfer"))
                                .value_or(TransferCharacteristic::Unspecified);
        else
            tags.transfer = TransferCharacteristic::Linear;
    }
    return tags;
}

std::string clip_name_of(const SequencePattern& p) {
    std::string name = p.prefix;
    while (!name.empty() &&
           (name.back() == '.' || name.back() == '_' || name.back() == '-' || name.back() == ' '))
        name.pop_back();
    if (name.empty() && !p.folder.empty())
        name = std::filesystem::path(p.folder).lexically_normal().filename().string();
    return name;
}

// Copies the part of a file's data window (interleaved, `nch` channels) that lies inside
// the frame, at offset (ox, oy) from the frame origin. `opaque` fills alpha when the file
// has none.
template <typename T>
void place_pixels(const T* src, int src_w, int src_h, int nch, const ChannelMap& m, int ox, int oy,
                  T opaque, VideoFrame& dst) {
    const bool planar = info(dst.format).planes > 1;
    const int comps = info(dst.format).components;
    const int x0 = std::max(0, -ox);
    const int x1 = std::min(src_w, dst.width - ox);
    const int y0 = std::max(0, -oy);
    const int y1 = std::min(src_h, dst.height - oy);
    if (x0 >= x1) return;
    auto row = [&dst](int plane, int y) {
        return reinterpret_cast<T*>(dst.mutable_plane(plane) + y * dst.stride[plane]);
    };
    const auto [cr, cg, cb] = m.color;
    for (int sy = y0; sy < y1; ++sy) {
        const int dy = sy + oy;
        const T* s = src + (static_cast<std::size_t>(sy) * static_cast<std::size_t>(src_w) +
                            static_cast<std::size_t>(x0)) *
                               static_cast<std::size_t>(nch);
        if (planar) {
            // libav's planar RGB order: G, B, R, A.
            T* g = row(0, dy) + x0 + ox;
            T* b = row(1, dy) + x0 + ox;
            T* r = row(2, dy) + x0 + ox;
            T* a = comps == 4 ? row(3, dy) + x0 + ox : nullptr;
            for (int x = x0; x < x1; ++x, s += nch) {
                *g++ = s[cg];
                *b++ = s[cb];
                *r++ = s[cr];
                if (a) *a++ = m.alpha >= 0 ? s[m.alpha] : opaque;
            }
        } else {
            T* d = row(0, dy) + static_cast<std::ptrdiff_t>(x0 + ox) * comps;
            for (int x = x0; x < x1; ++x, s += nch, d += comps) {
                d[0] = s[cr];
                d[1] = s[cg];
                d[2] = s[cb];
                if (comps == 4) d[3] = m.alpha >= 0 ? s[m.alpha] : opaque;
            }
        }
    }
}

void clear_frame(VideoFrame& f) {
    for (int p = 0; p < info(f.format).planes; ++p)
        for (int y = 0; y < f.plane_height(p); ++y)
            std::memset(f.mutable_plane(p) + y * f.stride[p], 0, f.row_bytes(p));
}

class ImageSequenceReader final : public MediaReader {
  public:
    ImageSequenceReader(const std::string& path, const ReaderOptions& options);

    [[nodiscard]] const MediaInfo& info() const override { return info_; }
    std::optional<MediaUnit> next() override;
    [[nodiscard]] const ReadStats& stats() const override { return stats_; }
    void seek(std::int64_t index) {
        next_file_ = static_cast<std::size_t>(
            std::clamp<std::int64_t>(index, 0, static_cast<std::int64_t>(files_.size())));
    }

  private:
    std::shared_ptr<VideoFrame> read_frame(const SequenceFile& file);

    std::vector<SequenceFile> files_;
    std::size_t next_file_ = 0;
    MediaInfo info_;
    ReadStats stats_;
    Rational rate_;
    std::optional<Timecode> start_timecode_;
    PixelFormat working_ = PixelFormat::Gbrpf32;
    int width_ = 0;
    int height_ = 0;
    ColorTags tags_;
    std::unique_ptr<FramePool> pool_;
    std::size_t pool_buffers_ = 0;
    // Reused across frames: files whose layout does not match the frame are read here first.
    std::vector<float> scratch_float_;
    std::vector<std::uint16_t> scratch_u16_;
};

ImageSequenceReader::ImageSequenceReader(const std::string& path, const ReaderOptions& options) {
    const auto pattern = parse_sequence_pattern(path);
    if (!pattern)
        throw InputError(path +
                         ": not an image-sequence pattern (name.%06d.exr, name.####.dpx) "
                         "or a numbered file");
    files_ = scan_files(*pattern);
    if (files_.empty()) throw InputError(path + ": no image-sequence files match");
    pool_buffers_ = options.frames_held;

    const SequenceFile& first = files_.front();
    auto in = OIIO::ImageInput::open(first.path);
    if (!in) throw InputError(first.path + ": " + oiio_error(OIIO::geterror()));
    const OIIO::ImageSpec& spec = in->spec();
    const std::string format = in->format_name();
    const ChannelMap map = channel_map(spec, first.path);
    width_ = spec.full_width > 0 ? spec.full_width : spec.width;
    height_ = spec.full_height > 0 ? spec.full_height : spec.height;
    if (width_ <= 0 || height_ <= 0) throw InputError(first.path + ": image has no pixels");
    const bool alpha = map.alpha >= 0;
    const bool is_float = is_float_type(spec.format);
    working_ = is_float ? (alpha ? PixelFormat::Gbrapf32 : PixelFormat::Gbrpf32)
                        : (alpha ? PixelFormat::Rgba64 : PixelFormat::Rgb48);

    if (auto r = header_rate(spec))
        rate_ = *r;
    else
        rate_ = options.sequence_rate.reduced();
    if (!rate_.valid())
        throw InputError(path + ": invalid sequence frame rate " + rate_.to_string());

    // The first file's colour record stands for the sequence, as its size does.
    tags_ = color_tags_of(spec, format);

    const std::int64_t first_number = files_.front().frame_number;
    const std::int64_t last_number = files_.back().frame_number;
    const std::int64_t span = last_number - first_number + 1;

    if (const OIIO::ParamValue* tc = spec.find_attribute("smpte:TimeCode", OIIO::TypeTimeCode)) {
        start_timecode_ =
            decode_smpte_timecode(static_cast<const std::uint32_t*>(tc->data())[0], rate_);
        if (start_timecode_) info_.timecode_source = "header";
    }
    if (!start_timecode_) {
        start_timecode_ = Timecode(rate_, false, first_number);
        info_.timecode_source = "start_frame";
    }

    info_.path = path;
    info_.container = format;
    info_.container_long = codec_long_name(format) + " image sequence";
    info_.duration = static_cast<double>(span) / rate_.to_double();
    info_.start_timecode = start_timecode_;
    info_.clip_name = clip_name_of(*pattern);
    info_.is_sequence = true;
    info_.first_frame_number = first_number;
    info_.last_frame_number = last_number;
    {
        std::size_t i = 0;
        for (std::int64_t n = first_number; n <= last_number; ++n) {
            if (i < files_.size() && files_[i].frame_number == n)
                ++i;
            else
                info_.missing_frame_numbers.push_back(n);
        }
    }
    for (const auto& f : files_) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(f.path, ec);
        if (!ec) info_.size_bytes += static_cast<std::int64_t>(size);
    }
    if (info_.duration > 0)
        info_.bit_rate =
            static_cast<std::int64_t>(static_cast<double>(info_.size_bytes) * 8.0 / info_.duration);

    VideoStreamInfo v;
    v.index = 0;
    v.codec = format;
    v.codec_long = codec_long_name(format);
    v.native_pix_fmt = native_pix_fmt(spec, map);
    v.working_format = working_;
    v.width = width_;
    v.height = height_;
    v.frame_rate = rate_;
    v.avg_frame_rate = rate_;
    v.sample_aspect = sample_aspect_of(spec);
    v.tags = tags_;
    v.field_order = FieldOrder::Progressive;
    v.frame_count = static_cast<std::int64_t>(files_.size());
    v.duration = info_.duration;
    v.bit_rate = info_.bit_rate;
    v.has_alpha = alpha;
    info_.video = v;

    pool_ = std::make_unique<FramePool>(working_, width_, height_,
                                        std::max(kMinPoolBuffers, pool_buffers_));
}

std::shared_ptr<VideoFrame> ImageSequenceReader::read_frame(const SequenceFile& file) {
    auto in = OIIO::ImageInput::open(file.path);
    if (!in) throw InputError(file.path + ": " + oiio_error(OIIO::geterror()));
    const OIIO::ImageSpec& spec = in->spec();
    const int full_w = spec.full_width > 0 ? spec.full_width : spec.width;
    const int full_h = spec.full_height > 0 ? spec.full_height : spec.height;
    if (full_w != width_ || full_h != height_)
        throw InputError(file.path + ": image is " + std::to_string(full_w) + "x" +
                         std::to_string(full_h) + ", the sequence's first frame is " +
                         std::to_string(width_) + "x" + std::to_string(height_));
    const ChannelMap map = channel_map(spec, file.path);
    const bool is_float = cinepipe::info(working_).sample == SampleType::F32;
    const int comps = cinepipe::info(working_).components;

    auto frame = pool_->acquire();
    auto read_failed = [&]() { return InputError(file.path + ": " + oiio_error(in->geterror())); };

    // Data window relative to the display window: EXRs from renders often cover less (or
    // more) than the picture; outside the data window is transparent black.
    const int ox = spec.x - spec.full_x;
    const int oy = spec.y - spec.full_y;
    const bool whole = ox == 0 && oy == 0 && spec.width == width_ && spec.height == height_;

    if (!is_float && whole && map.identity(comps)) {
        // The common DPX/TIFF case reads straight into the frame.
        const auto pixel_bytes = static_cast<OIIO::stride_t>(comps * sizeof(std::uint16_t));
        if (!in->read_image(0, 0, 0, comps, OIIO::TypeDesc::UINT16, frame->mutable_plane(0),
                            pixel_bytes, frame->stride[0]))
            throw read_failed();
    } else {
        const auto count = static_cast<std::size_t>(spec.width) *
                           static_cast<std::size_t>(spec.height) *
                           static_cast<std::size_t>(map.read_channels);
        if (!whole) clear_frame(*frame);
        if (is_float) {
            if (scratch_float_.size() < count) scratch_float_.resize(count);
            if (!in->read_image(0, 0, 0, map.read_channels, OIIO::TypeDesc::FLOAT,
                                scratch_float_.data()))
                throw read_failed();
            place_pixels<float>(scratch_float_.data(), spec.width, spec.height, map.read_channels,
                                map, ox, oy, 1.0f, *frame);
        } else {
            if (scratch_u16_.size() < count) scratch_u16_.resize(count);
            if (!in->read_image(0, 0, 0, map.read_channels, OIIO::TypeDesc::UINT16,
                                scratch_u16_.data()))
                throw read_failed();
            place_pixels<std::uint16_t>(scratch_u16_.data(), spec.width, spec.height,
                                        map.read_channels, map, ox, oy, 0xFFFF, *frame);
        }
    }
    frame->sample_aspect = sample_aspect_of(spec);
    in->close();
    return frame;
}

std::optional<MediaUnit> ImageSequenceReader::next() {
    if (next_file_ >= files_.size()) return std::nullopt;
    const SequenceFile& file = files_[next_file_];
    auto frame = read_frame(file);
    ++stats_.decoded_pictures;

    const std::int64_t first_number = files_.front().frame_number;
    const std::int64_t pts = file.frame_number - first_number;
    if (next_file_ > 0) {
        const std::int64_t expected = files_[next_file_ - 1].frame_number - first_number + 1;
        if (pts != expected) stats_.discontinuities.push_back({stats_.frames, expected, pts});
    }
    frame->index = stats_.frames;
    frame->pts = pts;
    frame->time_base = rate_.inverse();
    frame->duration = 1;
    frame->timecode = start_timecode_->advanced(pts);
    frame->tags = tags_;
    frame->field_order = FieldOrder::Progressive;

    ++next_file_;
    ++stats_.frames;
    MediaUnit unit;
    unit.video = std::move(frame);
    return unit;
}

}  // namespace

void oiio_seek_sequence(MediaReader& reader, std::int64_t index) {
    auto* sequence = dynamic_cast<ImageSequenceReader*>(&reader);
    if (!sequence) throw std::invalid_argument("seek_image_sequence: not an image-sequence reader");
    sequence->seek(index);
}

std::unique_ptr<MediaReader> oiio_open_sequence(const std::string& path,
                                                const ReaderOptions& options) {
    return std::make_unique<ImageSequenceReader>(path, options);
}

}  // namespace cinepipe
