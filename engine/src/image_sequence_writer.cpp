#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <vector>

#include "atomic_file.h"
#include "cinepipe/error.h"
#include "cinepipe/version.h"
#include "image_sequence.h"
#include "sequence_pattern.h"

namespace cinepipe {

namespace {

struct SequencePreset {
    const char* name;
    std::array<const char*, 2> extensions;  // lower case; nullptr when unused
    OIIO::TypeDesc::BASETYPE file_type;
    int bits_per_sample;      // 0: the file type's own
    const char* compression;  // nullptr: none
    bool float_data;          // frames arrive as planar float
    bool alpha_allowed;
};

constexpr std::array<SequencePreset, 4> kPresets{{
    {"exr_half", {"exr", nullptr}, OIIO::TypeDesc::HALF, 0, "zip", true, true},
    {"exr_float", {"exr", nullptr}, OIIO::TypeDesc::FLOAT, 0, "zip", true, true},
    // 10-bit DPX is RGB only: the common film/online interchange variant.
    {"dpx10", {"dpx", nullptr}, OIIO::TypeDesc::UINT16, 10, nullptr, false, false},
    {"tiff16", {"tif", "tiff"}, OIIO::TypeDesc::UINT16, 0, "zip", false, true},
}};

std::string oiio_error(std::string text) {
    if (text.empty()) return "unknown OpenImageIO error";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool preset_takes(const SequencePreset& p, const std::string& ext) {
    for (const char* e : p.extensions)
        if (e && ext == e) return true;
    return false;
}

const SequencePreset& choose_preset(const WriterConfig& config, const SequencePattern& pattern) {
    const std::string ext = pattern.extension();
    if (config.video_codec.empty()) {
        for (const auto& p : kPresets)
            if (preset_takes(p, ext)) return p;
        throw InputError(config.path + ": no image-sequence codec for extension '." + ext +
                         "' (use .exr, .dpx, .tif or .tiff)");
    }
    for (const auto& p : kPresets) {
        if (config.video_codec != p.name) continue;
        if (!preset_takes(p, ext))
            throw InputError(config.path + ": codec " + p.name + " writes ." + p.extensions[0] +
                             " files, not '." + ext + "'");
        return p;
    }
    throw InputError(config.path + ": '" + config.video_codec +
                     "' is not an image-sequence codec (exr_half, exr_float, dpx10, tiff16)");
}

std::string describe(PixelFormat format, int width, int height) {
    return std::string(to_string(format)) + " " + std::to_string(width) + "x" +
           std::to_string(height);
}

class ImageSequenceWriter final : public MediaWriter {
  public:
    explicit ImageSequenceWriter(const WriterConfig& config);

    [[nodiscard]] PixelFormat input_format() const override { return input_format_; }
    void write(const MediaUnit& unit) override;
    void close() override;
    void commit() override;
    [[nodiscard]] std::vector<std::string> outputs() const override { return outputs_; }

  private:
    [[nodiscard]] OIIO::ImageSpec make_spec(const VideoFrame& frame) const;

    WriterConfig config_;
    SequencePattern pattern_;
    const SequencePreset* preset_ = nullptr;
    PixelFormat input_format_ = PixelFormat::Gbrpf32;
    // Written frames wait under temporary names until commit(): a run that fails half way
    // must not leave a sequence that looks complete at the final names.
    std::vector<AtomicFile> files_;
    std::vector<std::string> outputs_;
    std::int64_t frames_written_ = 0;
    bool finished_ = false;
    std::vector<float> interleaved_;  // reused for planar float frames
};

ImageSequenceWriter::ImageSequenceWriter(const WriterConfig& config) : config_(config) {
    const auto pattern = parse_sequence_pattern(config.path);
    if (!pattern || !pattern->is_pattern())
        throw InputError(config.path +
                         ": image-sequence output needs a frame-number pattern such as "
                         "name.%06d.exr");
    pattern_ = *pattern;
    preset_ = &choose_preset(config, pattern_);
    if (config.width <= 0 || config.height <= 0)
        throw InputError(config.path + ": invalid output size " + std::to_string(config.width) +
                         "x" + std::to_string(config.height));
    if (!config.frame_rate.valid())
        throw InputError(config.path + ": invalid frame rate " + config.frame_rate.to_string());
    if (config.first_frame_number < 0)
        throw InputError(config.path + ": first frame number must not be negative");

    const bool alpha = config.has_alpha && preset_->alpha_allowed;
    if (preset_->float_data)
        input_format_ = alpha ? PixelFormat::Gbrapf32 : PixelFormat::Gbrpf32;
    else
        input_format_ = alpha ? PixelFormat::Rgba64 : PixelFormat::Rgb48;

    // Fail before any decoding starts: a missing or read-only folder, an existing first
    // frame, or an OpenImageIO build without the format's plugin.
    const std::string first = pattern_.path_for(config.first_frame_number);
    check_output_target(first, config.overwrite);
    if (!OIIO::ImageOutput::create(first))
        throw OutputError(first + ": " + oiio_error(OIIO::geterror()));
}

OIIO::ImageSpec ImageSequenceWriter::make_spec(const VideoFrame& frame) const {
    const int comps = info(input_format_).components;
    OIIO::ImageSpec spec(config_.width, config_.height, comps, preset_->file_type);
    if (comps == 4) spec.alpha_channel = 3;
    if (preset_->bits_per_sample) spec.attribute("oiio:BitsPerSample", preset_->bits_per_sample);
    if (preset_->compression) spec.attribute("compression", preset_->compression);

    const Rational rate = config_.frame_rate.reduced();
    if (rate.num <= INT32_MAX && rate.den <= INT32_MAX) {
        const std::array<int, 2> fps{static_cast<int>(rate.num), static_cast<int>(rate.den)};
        spec.attribute("FramesPerSecond", OIIO::TypeRational, fps.data());
    }
    // OpenImageIO's DPX writer does not map FramesPerSecond; the header has its own field.
    if (pattern_.extension() == "dpx")
        spec.attribute("dpx:FrameRate", static_cast<float>(rate.to_double()));
    if (frame.timecode) {
        const std::array<std::uint32_t, 2> tc{encode_smpte_timecode(*frame.timecode), 0};
        spec.attribute("smpte:TimeCode", OIIO::TypeTimeCode, tc.data());
    }
    if (config_.sample_aspect.valid())
        spec.attribute("PixelAspectRatio", static_cast<float>(config_.sample_aspect.to_double()));
    spec.attribute("Software", std::string("cinepipe ") + version_string());

    // Colour: the frame's own tags (the converter keeps the source's primaries and transfer),
    // the writer's configured ones where the frame leaves a field unspecified. Matrix and
    // range need no record: sequence pixels are always full-range RGB.
    ColorPrimaries primaries = frame.tags.primaries;
    TransferCharacteristic transfer = frame.tags.transfer;
    if (primaries == ColorPrimaries::Unspecified) primaries = config_.tags.primaries;
    if (transfer == TransferCharacteristic::Unspecified) transfer = config_.tags.transfer;
    const std::string ext = pattern_.extension();
    if (ext == "dpx") {
        // Set even when undefined: OpenImageIO would otherwise write colorimetric
        // "User defined" (0), a claim rather than DPX's "not set" (0xFF).
        spec.attribute("dpx:Transfer", dpx_transfer_name(transfer, primaries));
        spec.attribute("dpx:Colorimetric", dpx_colorimetric_name(primaries));
    } else if (ext == "exr") {
        // Chromaticities for other tools. The exact tags go in our own attributes, always,
        // so that "unknown" survives too: without cinepipe:transfer the reader takes an EXR
        // as scene-linear, which would be a false claim about video-referred pixels.
        if (const auto xy = chromaticities_for(primaries))
            spec.attribute("chromaticities", OIIO::TypeDesc(OIIO::TypeDesc::FLOAT, 8), xy->data());
        spec.attribute("cinepipe:primaries", to_string(primaries));
        spec.attribute("cinepipe:transfer", to_string(transfer));
    }
    return spec;
}

void ImageSequenceWriter::write(const MediaUnit& unit) {
    if (finished_) throw OutputError(config_.path + ": write after finish");
    if (!unit.video) return;  // audio has no place in an image sequence
    const VideoFrame& frame = *unit.video;
    if (frame.format != input_format_ || frame.width != config_.width ||
        frame.height != config_.height)
        throw InputError(config_.path + ": frame is " +
                         describe(frame.format, frame.width, frame.height) + ", the writer takes " +
                         describe(input_format_, config_.width, config_.height));

    const std::string target = pattern_.path_for(config_.first_frame_number + frames_written_);
    // Declared before the ImageOutput so the file is closed before a failure removes it.
    AtomicFile file(target, config_.overwrite);
    const OIIO::ImageSpec spec = make_spec(frame);
    auto out = OIIO::ImageOutput::create(file.temp_path());
    if (!out) throw OutputError(target + ": " + oiio_error(OIIO::geterror()));
    if (!out->open(file.temp_path(), spec))
        throw OutputError(target + ": " + oiio_error(out->geterror()));

    const int comps = info(input_format_).components;
    bool ok = false;
    if (preset_->float_data) {
        // Planar G,B,R[,A] to the interleaved R,G,B[,A] OpenImageIO writes; for half EXRs
        // OpenImageIO converts the floats while writing.
        const auto w = static_cast<std::size_t>(frame.width);
        const auto h = static_cast<std::size_t>(frame.height);
        const auto n = static_cast<std::size_t>(comps);
        interleaved_.resize(w * h * n);
        for (std::size_t y = 0; y < h; ++y) {
            auto row = [&](int p) {
                const auto offset = static_cast<std::ptrdiff_t>(y) * frame.stride[p];
                return reinterpret_cast<const float*>(frame.plane(p) + offset);
            };
            const float* g = row(0);
            const float* b = row(1);
            const float* r = row(2);
            const float* a = comps == 4 ? row(3) : nullptr;
            float* d = interleaved_.data() + y * w * n;
            for (std::size_t x = 0; x < w; ++x, d += n) {
                d[0] = r[x];
                d[1] = g[x];
                d[2] = b[x];
                if (a) d[3] = a[x];
            }
        }
        ok = out->write_image(OIIO::TypeDesc::FLOAT, interleaved_.data());
    } else {
        const auto pixel_bytes = static_cast<OIIO::stride_t>(comps * sizeof(std::uint16_t));
        ok = out->write_image(OIIO::TypeDesc::UINT16, frame.plane(0), pixel_bytes, frame.stride[0]);
    }
    if (!ok) throw OutputError(target + ": " + oiio_error(out->geterror()));
    if (!out->close()) throw OutputError(target + ": " + oiio_error(out->geterror()));
    out.reset();

    files_.push_back(std::move(file));
    outputs_.push_back(target);
    ++frames_written_;
}

// Every frame file is complete when write() returns; only the count is left to check.
void ImageSequenceWriter::close() {
    if (files_.empty()) throw OutputError(config_.path + ": no frames were written");
}

void ImageSequenceWriter::commit() {
    if (finished_) return;
    if (files_.empty()) throw OutputError(config_.path + ": no frames were written");
    std::size_t committed = 0;
    try {
        for (auto& file : files_) {
            file.commit();
            ++committed;
        }
    } catch (...) {
        // Half a sequence at the final names would pass for a finished render.
        for (std::size_t i = 0; i < committed; ++i) {
            std::error_code ec;
            std::filesystem::remove(files_[i].final_path(), ec);
        }
        throw;
    }
    finished_ = true;
}

}  // namespace

std::uint32_t encode_smpte_timecode(const Timecode& tc) {
    const std::string text = tc.to_string();  // "HH:MM:SS:FF", drop frame with ';'
    auto field = [&text](std::size_t pos) {
        return (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    };
    const int hh = field(0);
    const int mm = field(3);
    const int ss = field(6);
    int ff = field(9);
    std::uint32_t flags = 0;
    if (tc.drop_frame()) flags |= 0x40;
    if (tc.nominal_fps() > 30) {
        // The frames field only counts to 39: above 30 fps it holds frame pairs.
        if (ff % 2) flags |= 0x8000;
        ff /= 2;
    }
    auto bcd = [](int v) { return static_cast<std::uint32_t>((v / 10) << 4 | (v % 10)); };
    return bcd(ff) | bcd(ss) << 8 | bcd(mm) << 16 | bcd(hh) << 24 | flags;
}

namespace {

// Every value the enums declare, for the name lookups.
constexpr std::array kAllPrimaries{
    ColorPrimaries::Bt709,    ColorPrimaries::Unspecified, ColorPrimaries::Bt470m,
    ColorPrimaries::Bt470bg,  ColorPrimaries::Smpte170m,   ColorPrimaries::Smpte240m,
    ColorPrimaries::Film,     ColorPrimaries::Bt2020,      ColorPrimaries::Smpte428,
    ColorPrimaries::Smpte431, ColorPrimaries::Smpte432,    ColorPrimaries::Ebu3213,
};
constexpr std::array kAllTransfers{
    TransferCharacteristic::Bt709,     TransferCharacteristic::Unspecified,
    TransferCharacteristic::Gamma22,   TransferCharacteristic::Gamma28,
    TransferCharacteristic::Smpte170m, TransferCharacteristic::Smpte240m,
    TransferCharacteristic::Linear,    TransferCharacteristic::Log,
    TransferCharacteristic::LogSqrt,   TransferCharacteristic::Iec61966_2_4,
    TransferCharacteristic::Bt1361,    TransferCharacteristic::Srgb,
    TransferCharacteristic::Bt2020_10, TransferCharacteristic::Bt2020_12,
    TransferCharacteristic::Pq,        TransferCharacteristic::Smpte428,
    TransferCharacteristic::Hlg,
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// OpenImageIO 2.4's DPX characteristic names (dpxoutput.cpp get_characteristic_from_string;
// dpxinput.cpp get_characteristic_string reports the same names).
constexpr const char* kDpxItu709 = "ITU-R 709-4";
constexpr const char* kDpxItu601_625 = "ITU-R 601-5 system B or G";
constexpr const char* kDpxItu601_525 = "ITU-R 601-5 system M";
constexpr const char* kDpxSmpte274 = "SMPTE 274M";
constexpr const char* kDpxLinear = "Linear";

struct Chromaticities {
    ColorPrimaries primaries;
    std::array<float, 8> xy;  // red, green, blue, white
};

// ITU-T H.273 table 2. Smpte240m has Smpte170m's primaries; listed after it, so a file that
// only has chromaticities reads as smpte170m.
constexpr float kD65x = 0.3127f, kD65y = 0.3290f;
constexpr float kCx = 0.310f, kCy = 0.316f;
constexpr std::array<Chromaticities, 11> kChromaticities{{
    {ColorPrimaries::Bt709, {0.640f, 0.330f, 0.300f, 0.600f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Bt470m, {0.670f, 0.330f, 0.210f, 0.710f, 0.140f, 0.080f, kCx, kCy}},
    {ColorPrimaries::Bt470bg, {0.640f, 0.330f, 0.290f, 0.600f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Smpte170m, {0.630f, 0.340f, 0.310f, 0.595f, 0.155f, 0.070f, kD65x, kD65y}},
    {ColorPrimaries::Smpte240m, {0.630f, 0.340f, 0.310f, 0.595f, 0.155f, 0.070f, kD65x, kD65y}},
    {ColorPrimaries::Film, {0.681f, 0.319f, 0.243f, 0.692f, 0.145f, 0.049f, kCx, kCy}},
    {ColorPrimaries::Bt2020, {0.708f, 0.292f, 0.170f, 0.797f, 0.131f, 0.046f, kD65x, kD65y}},
    // SMPTE ST 428-1: CIE XYZ itself, equal-energy white.
    {ColorPrimaries::Smpte428, {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f / 3, 1.0f / 3}},
    // DCI-P3 (ST 431-2) with the DCI white; Display P3 (EG 432-1) with D65.
    {ColorPrimaries::Smpte431, {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, 0.314f, 0.351f}},
    {ColorPrimaries::Smpte432, {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Ebu3213, {0.630f, 0.340f, 0.295f, 0.605f, 0.155f, 0.077f, kD65x, kD65y}},
}};

}  // namespace

std::string dpx_transfer_name(TransferCharacteristic transfer, ColorPrimaries primaries) {
    switch (transfer) {
        case TransferCharacteristic::Bt709:
            return kDpxItu709;
        case TransferCharacteristic::Linear:
            return kDpxLinear;
        case TransferCharacteristic::Smpte170m:
            // H.273 transfer 6 is the BT.601 curve of both systems; DPX names the system.
            return primaries == ColorPrimaries::Bt470bg ? kDpxItu601_625 : kDpxItu601_525;
        default:
            return kDpxUndefined;
    }
}

std::string dpx_colorimetric_name(ColorPrimaries primaries) {
    switch (primaries) {
        case ColorPrimaries::Bt709:
            return kDpxItu709;
        case ColorPrimaries::Bt470bg:
            return kDpxItu601_625;
        case ColorPrimaries::Smpte170m:
            return kDpxItu601_525;
        default:
            return kDpxUndefined;
    }
}

TransferCharacteristic transfer_from_dpx(std::string_view name) {
    if (iequals(name, kDpxItu709) || iequals(name, kDpxSmpte274))
        return TransferCharacteristic::Bt709;
    if (iequals(name, kDpxLinear)) return TransferCharacteristic::Linear;
    if (iequals(name, kDpxItu601_625) || iequals(name, kDpxItu601_525))
        return TransferCharacteristic::Smpte170m;
    return TransferCharacteristic::Unspecified;
}

ColorPrimaries primaries_from_dpx(std::string_view name) {
    if (iequals(name, kDpxItu709) || iequals(name, kDpxSmpte274)) return ColorPrimaries::Bt709;
    if (iequals(name, kDpxItu601_625)) return ColorPrimaries::Bt470bg;
    if (iequals(name, kDpxItu601_525)) return ColorPrimaries::Smpte170m;
    return ColorPrimaries::Unspecified;
}

std::optional<std::array<float, 8>> chromaticities_for(ColorPrimaries primaries) {
    for (const auto& c : kChromaticities)
        if (c.primaries == primaries) return c.xy;
    return std::nullopt;
}

ColorPrimaries primaries_from_chromaticities(const std::array<float, 8>& xy) {
    for (const auto& c : kChromaticities) {
        bool match = true;
        for (std::size_t i = 0; i < xy.size() && match; ++i)
            match = std::fabs(xy[i] - c.xy[i]) <= 0.001f;
        if (match) return c.primaries;
    }
    return ColorPrimaries::Unspecified;
}

std::optional<ColorPrimaries> primaries_from_name(std::string_view name) {
    for (const ColorPrimaries p : kAllPrimaries)
        if (iequals(name, to_string(p))) return p;
    return std::nullopt;
}

std::optional<TransferCharacteristic> transfer_from_name(std::string_view name) {
    for (const TransferCharacteristic t : kAllTransfers)
        if (iequals(name, to_string(t))) return t;
    return std::nullopt;
}

std::unique_ptr<MediaWriter> create_image_sequence_writer(const WriterConfig& config) {
    return std::make_unique<ImageSequenceWriter>(config);
}

}  // namespace cinepipe
