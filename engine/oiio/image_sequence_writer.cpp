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
#include "oiio_sequence.h"
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

std::unique_ptr<MediaWriter> oiio_create_sequence_writer(const WriterConfig& config) {
    return std::make_unique<ImageSequenceWriter>(config);
}

}  // namespace cinepipe
