#include "cinepipe/output_preset.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cinepipe/error.h"
#include "cinepipe/media_writer.h"

namespace cinepipe {

namespace {

const std::vector<std::pair<std::string, std::string>>& builtin() {
    static const std::vector<std::pair<std::string, std::string>> presets = {
#include "builtin_output_presets.inc"
    };
    return presets;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

OutputPreset parse(const std::string& text, const std::string& where, const std::string& origin) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(fmt::format("{}:{}: {}", where, e.mark.line + 1, e.msg));
    }
    const auto fail = [&](const YAML::Node& at, const std::string& what) {
        const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
        throw InputError(line > 0 ? fmt::format("{}:{}: {}", where, line, what)
                                  : fmt::format("{}: {}", where, what));
    };
    if (!root.IsMap()) fail(root, "a preset is a mapping (name, video, audio ...)");
    const auto known = [&](const YAML::Node& map, std::initializer_list<const char*> keys) {
        for (const auto& kv : map) {
            const auto key = kv.first.as<std::string>();
            if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
                fail(kv.first, fmt::format("unknown key '{}'", key));
        }
    };
    known(root, {"name", "description", "extensions", "video", "color", "audio"});
    OutputPreset p;
    p.origin = origin;
    try {
        p.name = root["name"].as<std::string>("");
        p.description = root["description"].as<std::string>("");
        if (p.name.empty()) fail(root, "a preset needs a name");
        const YAML::Node ext = root["extensions"];
        if (!ext.IsSequence() || ext.size() == 0)
            fail(root, "extensions: a list such as [.mov, .mxf]");
        for (const auto& e : ext) p.extensions.push_back(e.as<std::string>());
        const YAML::Node video = root["video"];
        if (!video.IsMap()) fail(root, "a preset needs a video: mapping with its codec");
        known(video,
              {"codec", "pixel_format", "alpha_pixel_format", "fit", "fast_start", "speed", "crf"});
        p.codec = video["codec"].as<std::string>("");
        const auto& codecs = video_codec_presets();
        if (std::none_of(codecs.begin(), codecs.end(),
                         [&](const auto& c) { return c.name == p.codec; })) {
            std::vector<std::string> names;
            for (const auto& c : codecs) names.push_back(c.name);
            fail(video["codec"].IsDefined() ? video["codec"] : video,
                 fmt::format("codec '{}' is not one of {}", p.codec, join(names)));
        }
        p.pixel_format = video["pixel_format"].as<std::string>("");
        p.alpha_pixel_format = video["alpha_pixel_format"].as<std::string>("");
        if (const YAML::Node fit = video["fit"]; fit.IsDefined()) {
            if (!fit.IsSequence() || fit.size() != 2) fail(fit, "fit: [width, height]");
            p.fit_width = fit[0].as<int>();
            p.fit_height = fit[1].as<int>();
            if (p.fit_width < 16 || p.fit_height < 16 || p.fit_width > 32768 ||
                p.fit_height > 32768)
                fail(fit, "fit: each side 16..32768");
        }
        p.fast_start = video["fast_start"].as<bool>(false);
        p.speed = video["speed"].as<std::string>("");
        p.crf = video["crf"].as<int>(-1);
        const auto& speeds = encoder_speeds();
        if (!p.speed.empty() && std::find(speeds.begin(), speeds.end(), p.speed) == speeds.end())
            fail(video["speed"], fmt::format("speed is one of {}", join(speeds)));
        if (video["crf"].IsDefined() && (p.crf < 0 || p.crf > 51)) fail(video["crf"], "crf: 0..51");
        if ((!p.speed.empty() || p.crf >= 0) && !takes_rate_control(p.codec))
            fail(video["speed"].IsDefined() ? video["speed"] : video["crf"],
                 fmt::format("speed and crf apply to h264 and h265, not {}", p.codec));
        if (const YAML::Node color = root["color"]; color.IsDefined()) {
            known(color, {"mode", "primaries", "transfer", "matrix", "range"});
            p.color_mode = color["mode"].as<std::string>("keep");
            if (p.color_mode != "keep" && p.color_mode != "fill" && p.color_mode != "set")
                fail(color["mode"], "color mode is keep, fill or set");
            for (const char* k : {"primaries", "transfer", "matrix", "range"})
                if (color[k].IsDefined()) p.colors[k] = color[k].as<std::string>();
        }
        if (const YAML::Node audio = root["audio"]; audio.IsDefined()) {
            known(audio, {"codec", "channels"});
            p.audio = audio["codec"].as<std::string>("auto");
            if (p.audio != "auto" && !audio_codec_from_string(p.audio))
                fail(audio["codec"], "audio codec is pcm16, pcm24, aac or none");
            p.audio_channels = audio["channels"].as<int>(0);
            if (p.audio_channels < 0 || p.audio_channels > 16)
                fail(audio["channels"], "channels 0..16");
        }
    } catch (const YAML::Exception& e) {
        throw InputError(fmt::format("{}:{}: {}", where, e.mark.line + 1, e.msg));
    }
    return p;
}

}  // namespace

std::vector<std::string> builtin_output_presets() {
    std::vector<std::string> names;
    for (const auto& [name, text] : builtin()) names.push_back(name);
    return names;
}

OutputPreset load_output_preset(const std::string& name_or_path) {
    for (const auto& [name, text] : builtin())
        if (name == name_or_path) return parse(text, "built-in preset " + name, "built-in");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(name_or_path, ec))
        throw InputError(fmt::format("unknown preset '{}' (built-in: {}; or a preset .yaml file)",
                                     name_or_path, join(builtin_output_presets())));
    std::ifstream in(name_or_path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw InputError(name_or_path + ": cannot read");
    return parse(text.str(), name_or_path, name_or_path);
}

void apply_output_preset(GraphSpec& spec, const std::string& writer_id,
                         const OutputPreset& preset) {
    const auto it = std::find_if(spec.nodes.begin(), spec.nodes.end(),
                                 [&](const NodeSpec& n) { return n.id == writer_id; });
    if (it == spec.nodes.end() || it->type != "writer")
        throw InputError(fmt::format("--preset {}: there is no writer node '{}' in the graph",
                                     preset.name, writer_id));
    const auto path = it->params.find("path");
    if (path != it->params.end()) {
        const std::string ext = lower_extension(path->second.text);
        if (std::find(preset.extensions.begin(), preset.extensions.end(), ext) ==
            preset.extensions.end())
            throw InputError(fmt::format("{}: the {} preset writes {}, not '{}'", path->second.text,
                                         preset.name, join(preset.extensions), ext));
    }
    const auto raw = [](const std::string& v) { return RawValue{v, false}; };
    it->params["codec"] = raw(preset.codec);
    if (preset.audio != "auto") it->params["audio"] = raw(preset.audio);
    it->params["audio_channels"] = raw(std::to_string(preset.audio_channels));
    it->params["fast_start"] = raw(preset.fast_start ? "true" : "false");
    if (!preset.speed.empty()) it->params["speed"] = raw(preset.speed);
    if (preset.crf >= 0) it->params["crf"] = raw(std::to_string(preset.crf));
    std::vector<std::string> input = it->inputs;
    std::vector<NodeSpec> added;
    if (preset.fit_width > 0) {
        NodeSpec n;
        n.id = writer_id + "_fit";
        n.type = "scale";
        n.inputs = input;
        n.params = {{"width", raw(std::to_string(preset.fit_width))},
                    {"height", raw(std::to_string(preset.fit_height))},
                    {"fit", raw("true")}};
        added.push_back(n);
        input = {n.id};
    }
    if (preset.color_mode != "keep" && !preset.colors.empty()) {
        NodeSpec n;
        n.id = writer_id + "_tags";
        n.type = "setparams";
        n.inputs = input;
        for (const auto& [k, v] : preset.colors) n.params[k] = raw(v);
        n.params["only_unspecified"] = raw(preset.color_mode == "fill" ? "true" : "false");
        added.push_back(n);
        input = {n.id};
    }
    it->inputs = input;
    const auto at = std::find_if(spec.nodes.begin(), spec.nodes.end(),
                                 [&](const NodeSpec& n) { return n.id == writer_id; });
    spec.nodes.insert(at, added.begin(), added.end());
}

}  // namespace cinepipe
