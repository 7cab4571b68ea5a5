#include "cinepipe/probe_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace cinepipe {

namespace {

nlohmann::json rational_json(Rational r) {
    return {{"num", r.num}, {"den", r.den}, {"value", r.to_double()}};
}

nlohmann::json tags_json(const ColorTags& t) {
    return {{"primaries", to_string(t.primaries)},
            {"transfer", to_string(t.transfer)},
            {"matrix", to_string(t.matrix)},
            {"range", to_string(t.range)}};
}

}  // namespace

std::string probe_to_json(const MediaInfo& info) {
    nlohmann::ordered_json j;
    j["schema"] = "cinepipe.probe/1";
    j["path"] = info.path;
    j["container"] = info.container;
    j["container_long"] = info.container_long;
    j["duration"] = info.duration;
    j["size_bytes"] = info.size_bytes;
    j["bit_rate"] = info.bit_rate;
    j["clip_name"] = info.clip_name;
    j["reel_name"] = info.reel_name;
    if (info.start_timecode) {
        j["timecode"] = {{"start", info.start_timecode->to_string()},
                         {"drop_frame", info.start_timecode->drop_frame()},
                         {"source", info.timecode_source}};
    } else {
        j["timecode"] = nullptr;
    }
    if (info.audio_start_seconds >= 0) {
        nlohmann::ordered_json js;
        js["seconds_since_midnight"] = info.audio_start_seconds;
        js["source"] = info.audio_start_source;
        if (info.audio_timecode_rate) {
            js["timecode_rate"] = rational_json(*info.audio_timecode_rate);
            js["drop_frame"] = info.audio_timecode_drop;
        }
        j["sound_start"] = js;
    }
    if (info.video) {
        const auto& v = *info.video;
        nlohmann::ordered_json jv;
        jv["index"] = v.index;
        jv["codec"] = v.codec;
        jv["codec_long"] = v.codec_long;
        jv["profile"] = v.profile;
        jv["pix_fmt"] = v.native_pix_fmt;
        jv["working_format"] = to_string(v.working_format);
        jv["width"] = v.width;
        jv["height"] = v.height;
        jv["frame_rate"] = rational_json(v.frame_rate);
        jv["avg_frame_rate"] = rational_json(v.avg_frame_rate);
        jv["variable_frame_rate"] = !(v.frame_rate == v.avg_frame_rate);
        jv["sample_aspect_ratio"] = rational_json(v.sample_aspect);
        jv["frame_count"] = v.frame_count;
        jv["duration"] = v.duration;
        jv["bit_rate"] = v.bit_rate;
        jv["field_order"] = to_string(v.field_order);
        jv["has_alpha"] = v.has_alpha;
        jv["color"] = tags_json(v.tags);
        j["video"] = jv;
    } else {
        j["video"] = nullptr;
    }
    j["audio"] = nlohmann::ordered_json::array();
    for (const auto& a : info.audio) {
        nlohmann::ordered_json ja;
        ja["index"] = a.index;
        ja["codec"] = a.codec;
        ja["codec_long"] = a.codec_long;
        ja["sample_rate"] = a.sample_rate;
        ja["channels"] = a.channels;
        ja["channel_layout"] = a.channel_layout;
        ja["sample_format"] = a.sample_format;
        ja["bits_per_sample"] = a.bits_per_sample;
        ja["duration"] = a.duration;
        ja["bit_rate"] = a.bit_rate;
        j["audio"].push_back(ja);
    }
    if (info.is_sequence) {
        j["sequence"] = {{"first_frame", info.first_frame_number},
                         {"last_frame", info.last_frame_number},
                         {"missing_frames", info.missing_frame_numbers}};
    }
    return j.dump(2);
}

std::string probe_to_text(const MediaInfo& info) {
    std::ostringstream out;
    out << info.path << "\n";
    out << fmt::format("  container   {} ({}), {:.3f} s, {} bytes\n", info.container_long,
                       info.container, info.duration, info.size_bytes);
    if (!info.clip_name.empty() || !info.reel_name.empty())
        out << fmt::format("  clip        {}{}\n", info.clip_name,
                           info.reel_name.empty() ? "" : "  reel " + info.reel_name);
    if (info.start_timecode)
        out << fmt::format("  timecode    {} ({}{})\n", info.start_timecode->to_string(),
                           info.timecode_source,
                           info.start_timecode->drop_frame() ? ", drop frame" : "");
    if (info.audio_start_seconds >= 0)
        out << fmt::format(
            "  sound start {:.6f} s after midnight ({}{})\n", info.audio_start_seconds,
            info.audio_start_source,
            info.audio_timecode_rate
                ? fmt::format(", timecode at {} fps{}", info.audio_timecode_rate->to_string(),
                              info.audio_timecode_drop ? " DF" : "")
                : "");
    if (info.video) {
        const auto& v = *info.video;
        out << fmt::format("  video #{}    {}{} {}x{} {} @ {} fps ({:.3f}), {} frames, {}\n",
                           v.index, v.codec, v.profile.empty() ? "" : " " + v.profile, v.width,
                           v.height, v.native_pix_fmt, v.frame_rate.to_string(),
                           v.frame_rate.to_double(), v.frame_count, to_string(v.field_order));
        out << fmt::format("              colour {}/{}/{} {} range, SAR {}\n",
                           to_string(v.tags.primaries), to_string(v.tags.transfer),
                           to_string(v.tags.matrix), to_string(v.tags.range),
                           v.sample_aspect.to_string());
        if (!(v.frame_rate == v.avg_frame_rate))
            out << fmt::format("              variable frame rate: average {:.3f} fps\n",
                               v.avg_frame_rate.to_double());
    }
    for (const auto& a : info.audio)
        out << fmt::format("  audio #{}    {} {} Hz {} ({} ch) {}{}\n", a.index, a.codec,
                           a.sample_rate, a.channel_layout, a.channels, a.sample_format,
                           a.bits_per_sample ? fmt::format(" {}-bit", a.bits_per_sample) : "");
    if (info.is_sequence) {
        out << fmt::format("  sequence    frames {}-{}", info.first_frame_number,
                           info.last_frame_number);
        if (!info.missing_frame_numbers.empty())
            out << fmt::format(", {} missing", info.missing_frame_numbers.size());
        out << "\n";
    }
    return out.str();
}

}  // namespace cinepipe
