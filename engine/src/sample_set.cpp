#include <cmath>
#include <filesystem>

#include "cinepipe/error.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"

namespace fs = std::filesystem;

namespace cinepipe {

namespace {

struct SampleSpec {
    const char* name;  // file name (or sequence pattern inside its own folder)
    const char* codec;
    AudioCodec audio;
    PixelFormat format;  // what the pattern is rendered in
    const char* timecode;
    bool drop_frame_rate;  // 29.97 drop frame instead of the set's rate
    const char* description;
};

// One clip per delivery codec the engine must read back, each with its own start timecode
// so a mix-up between files is visible.
const SampleSpec kSpecs[] = {
    {"A001C001_prores_hq.mov", "prores_hq", AudioCodec::Pcm24, PixelFormat::Yuv422p10,
     "01:00:00:00", false, "ProRes 422 HQ, 24-bit PCM stereo, MOV"},
    {"A001C002_dnxhr_hqx.mxf", "dnxhr_hqx", AudioCodec::Pcm24, PixelFormat::Yuv422p10,
     "02:00:00:00", false, "DNxHR HQX, 24-bit PCM stereo, MXF OP1a"},
    {"A001C003_h264.mp4", "h264", AudioCodec::Aac, PixelFormat::Yuv420p8, "03:00:00:00", false,
     "H.264, AAC stereo, MP4"},
    {"A001C004_ffv1.mkv", "ffv1", AudioCodec::Pcm24, PixelFormat::Yuv422p10, "04:00:00:00", false,
     "FFV1 lossless, 24-bit PCM stereo, MKV"},
    {"A001C005_prores_4444.mov", "prores_4444", AudioCodec::Pcm24, PixelFormat::Yuva444p10,
     "05:00:00:00", false, "ProRes 4444 with alpha, 24-bit PCM stereo, MOV"},
    {"B001C001_hevc_2997df.mov", "h265", AudioCodec::Pcm16, PixelFormat::Yuv420p10, "01:00:59;00",
     true, "HEVC 10-bit at 29.97 drop frame across a minute boundary, 16-bit PCM, MOV"},
    {"A001C006_dpx/A001C006.%06d.dpx", "dpx10", AudioCodec::None, PixelFormat::Yuv444p10,
     "01:00:00:00", false, "DPX 10-bit RGB image sequence starting at frame 86400"},
};

}  // namespace

std::vector<SampleFile> write_sample_set(const SampleSetOptions& options,
                                         const CancelToken& cancel) {
    std::error_code ec;
    fs::create_directories(options.out_dir, ec);
    if (ec)
        throw OutputError(options.out_dir + ": cannot create the folder (" + ec.message() + ")");
    std::vector<SampleFile> written;
    for (const auto& spec : kSpecs) {
        const fs::path path = fs::path(options.out_dir) / spec.name;
        fs::create_directories(path.parent_path(), ec);
        SyntheticOptions so;
        so.width = options.width;
        so.height = options.height;
        so.rate = spec.drop_frame_rate ? Rational{30000, 1001} : options.rate;
        so.frames =
            std::max<std::int64_t>(1, std::llround(options.duration_seconds * so.rate.to_double()));
        so.format = spec.format;
        so.start_timecode = spec.timecode;
        so.audio_channels = spec.audio == AudioCodec::None ? 0 : 2;
        so.clip_name = path.stem().string();
        so.reel_name = std::string(spec.name).substr(0, 4);
        auto source = make_synthetic_source(so);
        WriterConfig cfg = writer_config_for(source->info(), path.string());
        cfg.video_codec = spec.codec;
        cfg.audio_codec = spec.audio;
        cfg.overwrite = options.overwrite;
        if (spec.audio == AudioCodec::None) cfg.audio.clear();
        // A sequence starting at the frame number of its timecode, as scanned film does.
        if (std::string(spec.codec) == "dpx10")
            cfg.first_frame_number = source->info().start_timecode->frames();
        SchedulePolicy schedule;
        const auto result = encode(*source, cfg, schedule, cancel);
        written.push_back(
            {std::string(spec.codec) == "dpx10" ? path.string() : result.outputs.front(),
             spec.description, result.stats});
    }
    return written;
}

}  // namespace cinepipe
