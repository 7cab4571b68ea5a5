// The QC report, schema cinepipe.qc/1 (docs/qc.md): the machine contract a QC operator's
// tools read, so every field is stable and every range is in decoded-frame indices.

#include <cmath>
#include <nlohmann/json.hpp>

#include "cinepipe/qc.h"

namespace cinepipe {

namespace {

// Rounded for a readable report: code values to 1/100, differences to 1/10000 %.
double rounded(double v, double step) {
    return std::round(v / step) * step;
}

// A level for the report: 1/100 dB, null where there is none (NaN, or -inf below the floor).
nlohmann::json level(float v) {
    if (!std::isfinite(v)) return nullptr;
    return rounded(v, 0.01);
}

}  // namespace

std::string qc_report_json(const QcResult& r, const MediaInfo& source, const std::string& profile,
                           std::int64_t audio_samples) {
    using nlohmann::json;
    json j;
    j["schema"] = "cinepipe.qc/1";
    j["input"] = source.path;
    j["profile"] = profile;
    j["verdict"] = r.passed() ? "pass" : "fail";
    if (source.video) {
        const auto& v = *source.video;
        j["video"] = {{"frames", r.frames},
                      {"fps", v.frame_rate.to_string()},
                      {"width", v.width},
                      {"height", v.height},
                      {"codec", v.codec},
                      {"pix_fmt", v.native_pix_fmt},
                      {"field_order", to_string(v.field_order)},
                      {"start_tc", r.timecode_at(0)},
                      {"drop_frame", source.start_timecode && source.start_timecode->drop_frame()}};
    }
    json audio = {{"streams", source.audio.size()}};
    if (!source.audio.empty()) {
        const auto& a = source.audio.front();
        audio["channels"] = a.channels;
        audio["sample_rate"] = a.sample_rate;
        audio["layout"] = a.channel_layout;
        if (a.sample_rate > 0)
            audio["duration"] = static_cast<double>(audio_samples) / a.sample_rate;
    }
    j["audio"] = audio;
    const double fps = source.video ? source.video->frame_rate.to_double() : 24.0;
    json events = json::array();
    for (const auto& e : r.events)
        events.push_back({{"check", e.check},
                          {"severity", to_string(e.severity)},
                          {"start_frame", e.start_frame},
                          {"end_frame", e.end_frame},
                          {"start_tc", r.timecode_at(e.start_frame)},
                          {"end_tc", r.timecode_at(e.end_frame)},
                          {"duration", rounded(static_cast<double>(e.end_frame - e.start_frame + 1) / fps, 1e-4)},
                          {"value", rounded(e.value, 1e-4)},
                          {"message", e.message}});
    j["events"] = events;
    json m = json::object();
    for (const auto& [k, v] : r.measurements) m[k] = rounded(v, 1e-4);
    j["measurements"] = m;
    json rows = json::array();
    for (const auto& f : r.per_frame)
        rows.push_back({f.luma_min, rounded(f.luma_avg, 0.01), f.luma_max,
                        f.diff < 0 ? -1.0 : rounded(f.diff, 1e-4)});
    // Indented for people, except the per-frame rows: one line of them, not six lines a frame.
    const json per_frame = {{"fields", {"luma_min", "luma_avg", "luma_max", "diff"}},
                            {"data", rows}};
    std::string text = j.dump(1);
    text.pop_back();  // the closing brace
    text += ",\n \"per_frame\": " + per_frame.dump();
    // Optional, after per_frame: readers of the first cinepipe.qc/1 reports never saw it.
    if (!r.per_frame_audio.empty()) {
        json sound = json::array();
        for (const auto& a : r.per_frame_audio)
            sound.push_back({level(a.momentary), level(a.short_term), level(a.peak)});
        const json per_frame_audio = {
            {"fields", {"momentary_lufs", "short_term_lufs", "sample_peak_dbfs"}}, {"data", sound}};
        text += ",\n \"per_frame_audio\": " + per_frame_audio.dump();
    }
    return text + "\n}\n";
}

}  // namespace cinepipe
