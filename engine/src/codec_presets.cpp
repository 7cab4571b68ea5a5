#include "codec_presets.h"

#include <algorithm>
#include <filesystem>

#include "cinepipe/error.h"

namespace cinepipe {

namespace {
using P = PixelFormat;

const std::vector<LibavCodecPreset>& libav_presets() {
    // prores_ks rather than prores/prores_aw: it is the one with exact Apple profiles, alpha
    // and slice threading. Encoder threading here never changes the bitstream (slices are
    // fixed by the profile), so output is identical for any --threads.
    static const std::vector<LibavCodecPreset> presets = {
        {"prores_proxy",
         "prores_ks",
         P::Yuv422p10,
         {{"profile", "0"}, {"vendor", "apl0"}},
         false,
         P::Yuv422p10},
        {"prores_lt",
         "prores_ks",
         P::Yuv422p10,
         {{"profile", "1"}, {"vendor", "apl0"}},
         false,
         P::Yuv422p10},
        {"prores_422",
         "prores_ks",
         P::Yuv422p10,
         {{"profile", "2"}, {"vendor", "apl0"}},
         false,
         P::Yuv422p10},
        {"prores_hq",
         "prores_ks",
         P::Yuv422p10,
         {{"profile", "3"}, {"vendor", "apl0"}},
         false,
         P::Yuv422p10},
        {"prores_4444",
         "prores_ks",
         P::Yuv444p10,
         {{"profile", "4"}, {"vendor", "apl0"}, {"alpha_bits", "16"}},
         false,
         P::Yuva444p10},
        {"dnxhr_lb", "dnxhd", P::Yuv422p8, {{"profile", "dnxhr_lb"}}, false, P::Yuv422p8},
        {"dnxhr_sq", "dnxhd", P::Yuv422p8, {{"profile", "dnxhr_sq"}}, false, P::Yuv422p8},
        {"dnxhr_hq", "dnxhd", P::Yuv422p8, {{"profile", "dnxhr_hq"}}, false, P::Yuv422p8},
        {"dnxhr_hqx", "dnxhd", P::Yuv422p10, {{"profile", "dnxhr_hqx"}}, false, P::Yuv422p10},
        {"dnxhr_444", "dnxhd", P::Yuv444p10, {{"profile", "dnxhr_444"}}, false, P::Yuv444p10},
        // Level 3 with per-slice CRCs, the archival setting; the slice count is fixed so the
        // bitstream does not depend on the thread count.
        {"ffv1",
         "ffv1",
         P::Yuv444p16,
         {{"level", "3"}, {"slicecrc", "1"}, {"slices", "16"}, {"g", "1"}, {"context", "1"}},
         true,
         P::Yuva444p10},
        {"h264", "libx264", P::Yuv420p8, {{"crf", "18"}, {"preset", "medium"}}, false, P::Yuv420p8},
        {"h265",
         "libx265",
         P::Yuv420p10,
         {{"crf", "20"}, {"preset", "fast"}, {"x265-params", "log-level=error"}},
         false,
         P::Yuv420p10},
    };
    return presets;
}
}  // namespace

const LibavCodecPreset* find_libav_preset(const std::string& name) {
    for (const auto& p : libav_presets())
        if (name == p.name) return &p;
    return nullptr;
}

const std::vector<VideoCodecPreset>& video_codec_presets() {
    static const std::vector<VideoCodecPreset> presets = {
        {"prores_proxy", "Apple ProRes 422 Proxy, 10-bit 4:2:2", false},
        {"prores_lt", "Apple ProRes 422 LT, 10-bit 4:2:2", false},
        {"prores_422", "Apple ProRes 422, 10-bit 4:2:2", false},
        {"prores_hq", "Apple ProRes 422 HQ, 10-bit 4:2:2", false},
        {"prores_4444", "Apple ProRes 4444, 10-bit 4:4:4, alpha kept", false},
        {"dnxhr_lb", "Avid DNxHR LB, 8-bit 4:2:2", false},
        {"dnxhr_sq", "Avid DNxHR SQ, 8-bit 4:2:2", false},
        {"dnxhr_hq", "Avid DNxHR HQ, 8-bit 4:2:2", false},
        {"dnxhr_hqx", "Avid DNxHR HQX, 10-bit 4:2:2", false},
        {"dnxhr_444", "Avid DNxHR 444, 10-bit 4:4:4", false},
        {"ffv1", "FFV1 level 3 lossless (keeps the source's pixel format)", false},
        {"h264", "H.264 (libx264, CRF 18, medium, 8-bit 4:2:0)", false, true},
        {"h265", "H.265 (libx265, CRF 20, fast, 10-bit 4:2:0)", false, true},
        {"exr_half", "OpenEXR sequence, half float RGB(A), zip", true},
        {"exr_float", "OpenEXR sequence, 32-bit float RGB(A), zip", true},
        {"dpx10", "DPX sequence, 10-bit RGB", true},
        {"tiff16", "TIFF sequence, 16-bit RGB(A), deflate", true},
    };
    return presets;
}

const std::vector<std::string>& encoder_speeds() {
    static const std::vector<std::string> speeds = {"ultrafast", "superfast", "veryfast",
                                                    "faster",    "fast",      "medium",
                                                    "slow",      "slower",    "veryslow"};
    return speeds;
}

bool takes_rate_control(const std::string& codec) {
    const auto& presets = video_codec_presets();
    const auto it = std::find_if(presets.begin(), presets.end(),
                                 [&](const VideoCodecPreset& p) { return p.name == codec; });
    return it != presets.end() && it->rate_controlled;
}

void check_rate_control(const std::string& path, const std::string& codec, const std::string& speed,
                        int crf) {
    if (speed.empty() && crf < 0) return;
    if (!takes_rate_control(codec))
        throw InputError(path + ": speed and crf apply to h264 and h265, not " + codec);
    const auto& speeds = encoder_speeds();
    if (!speed.empty() && std::find(speeds.begin(), speeds.end(), speed) == speeds.end())
        throw InputError(path + ": unknown encoder speed '" + speed + "' (ultrafast .. veryslow)");
    if (crf > 51) throw InputError(path + ": crf " + std::to_string(crf) + " is not 0..51");
}

std::string default_video_codec(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (ext == ".mov" || ext == ".mxf") return "prores_hq";
    if (ext == ".mp4" || ext == ".m4v") return "h264";
    if (ext == ".mkv") return "ffv1";
    if (ext == ".exr") return "exr_half";
    if (ext == ".dpx") return "dpx10";
    if (ext == ".tif" || ext == ".tiff") return "tiff16";
    throw InputError(path + ": cannot tell the output format from the extension '" + ext +
                     "' (use .mov, .mxf, .mp4, .mkv, or an .exr/.dpx/.tif sequence pattern)");
}

std::optional<AudioCodec> audio_codec_from_string(const std::string& name) {
    if (name == "none") return AudioCodec::None;
    if (name == "pcm16") return AudioCodec::Pcm16;
    if (name == "pcm24") return AudioCodec::Pcm24;
    if (name == "aac") return AudioCodec::Aac;
    return std::nullopt;
}

std::string to_string(AudioCodec codec) {
    switch (codec) {
        case AudioCodec::None:
            return "none";
        case AudioCodec::Pcm16:
            return "pcm16";
        case AudioCodec::Pcm24:
            return "pcm24";
        case AudioCodec::Aac:
            return "aac";
    }
    return "none";
}

}  // namespace cinepipe
