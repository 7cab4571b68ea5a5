// The QC report for people (docs/qc.md, "HTML report"): one self-contained page a producer can
// open offline and look at: the verdict first, the source, every event with a picture of its
// first frame, and the measurements over time. No script, nothing fetched: styles inline,
// plots as inline SVG, pictures as data: URIs.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "cinepipe/html_text.h"
#include "cinepipe/qc.h"
#include "cinepipe/version.h"
#include "qc_html_plots.h"

namespace cinepipe {

namespace {

using qc::html_escape;

constexpr const char* kStyle = R"css(
:root{--error:#c62828;--warning:#e08a00;--info:#1e6fd9;--pass:#2e7d32;--ink:#1d2329;--dim:#5f6b76;--line:#dde3e8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f4f6f8}
main{max-width:1240px;margin:0 auto;padding:24px}
header.top{display:flex;gap:28px;align-items:center;background:#fff;border-radius:10px;padding:20px 28px;border-left:14px solid var(--pass);box-shadow:0 1px 3px #0002}
header.top.fail{border-left-color:var(--error)}
.verdict{font-size:64px;font-weight:800;letter-spacing:2px;color:var(--pass);line-height:1}
.fail .verdict{color:var(--error)}
header h1{margin:0 0 4px;font-size:22px;word-break:break-all}
header p{margin:0;color:var(--dim)}
.counts{display:flex;gap:10px;margin-top:10px;padding:0;list-style:none}
.counts li{padding:3px 12px;border-radius:20px;background:#eef1f4;font-weight:600}
.counts .c-error{background:#fdecea;color:var(--error)}
.counts .c-warning{background:#fff4e0;color:#9a5d00}
.counts .c-info{background:#e8f1fd;color:var(--info)}
section{background:#fff;border-radius:10px;padding:16px 24px;margin-top:18px;box-shadow:0 1px 3px #0002}
h2{font-size:17px;margin:4px 0 12px}
h3{font-size:14px;margin:16px 0 6px;color:var(--dim)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:4px 24px}
.facts div{display:flex;gap:10px;border-bottom:1px solid var(--line);padding:4px 0}
.facts dt{color:var(--dim);min-width:110px}
.facts dd{margin:0;font-weight:600;word-break:break-word}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--dim);border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
tr.event td:first-child{border-left:5px solid var(--info)}
tr.event[data-severity=error] td:first-child{border-left-color:var(--error)}
tr.event[data-severity=warning] td:first-child{border-left-color:var(--warning)}
.thumb img{display:block;border-radius:3px;background:#000}
.thumb .none{display:flex;width:160px;height:90px;align-items:center;justify-content:center;background:#eef1f4;color:var(--dim);font-size:12px;border-radius:3px}
.sev{font-weight:700;text-transform:uppercase;font-size:12px}
.sev-error{color:var(--error)}.sev-warning{color:#9a5d00}.sev-info{color:var(--info)}
.tc{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;white-space:nowrap}
small{color:var(--dim)}
.num{text-align:right;white-space:nowrap}
.note{color:var(--dim);font-style:italic}
svg.plot{display:block;width:100%;height:auto;margin:6px 0 14px;font:11px system-ui,sans-serif}
svg .area{fill:#fafbfc;stroke:var(--line)}
svg .grid{stroke:#e6eaee;stroke-width:1}
svg .axis text{fill:var(--dim)}
svg .title{font-weight:700;font-size:13px;fill:var(--ink)}
svg .unit{font-weight:400;fill:var(--dim)}
svg .legend{fill:var(--ink)}
svg .line{fill:none;stroke-width:1.3;stroke-linejoin:round}
svg .guide{stroke:#8a949e;stroke-dasharray:5 4}
svg .guide-label{fill:#6a747e}
svg .ev{opacity:.22}svg .ev.clip{opacity:.85}
svg .ev-error{fill:var(--error)}svg .ev-warning{fill:var(--warning)}svg .ev-info{fill:var(--info)}
footer{color:var(--dim);font-size:12px;margin:18px 4px}
@media print{body{background:#fff}section,header.top{box-shadow:none;border:1px solid var(--line)}}
)css";

std::string number(double v, int decimals) {
    return fmt::format("{:.{}f}", v, decimals);
}

std::string file_size(std::int64_t bytes) {
    if (bytes <= 0) return "unknown";
    const double b = static_cast<double>(bytes);
    if (b >= 1e9) return number(b / 1e9, 2) + " GB";
    if (b >= 1e6) return number(b / 1e6, 1) + " MB";
    return number(b / 1e3, 1) + " kB";
}

// Measurement names as a person reads them, with their units and precision.
struct MeasurementLabel {
    std::string name;
    std::string unit;
    int decimals = 2;
};

MeasurementLabel describe_measurement(const std::string& key) {
    static const std::map<std::string, MeasurementLabel> known{
        {"frames", {"Frames", "", 0}},
        {"luma_min", {"Luma min", "code value", 0}},
        {"luma_max", {"Luma max", "code value", 0}},
        {"luma_avg", {"Luma average", "code value", 1}},
        {"black_frames", {"Black frames", "", 0}},
        {"frozen_frames", {"Frozen frames", "", 0}},
        {"flashes_single", {"Single flashes", "", 0}},
        {"pse_max_flashes_per_second", {"Most flashes in 1 s", "", 0}},
        {"digital_hits", {"Digital hits", "", 0}},
        {"decode_errors", {"Decode errors", "", 0}},
        {"missing_frames", {"Missing frames", "", 0}},
        {"duplicated_timestamps", {"Duplicated timestamps", "", 0}},
        {"illegal_level_frames", {"Frames with illegal levels", "", 0}},
        {"gamut_frames", {"Frames out of RGB gamut", "", 0}},
        {"nonfinite_samples", {"NaN/Inf samples", "", 0}},
        {"blockiness_max", {"Blockiness max", "", 2}},
        {"blockiness_avg", {"Blockiness average", "", 2}},
        {"combed_frames", {"Combed frames", "", 0}},
        {"video_duration", {"Video duration", "s", 3}},
        {"audio_duration", {"Audio duration", "s", 3}},
        {"integrated_lufs", {"Integrated loudness", "LUFS", 1}},
        {"loudness_range_lu", {"Loudness range", "LU", 1}},
        {"momentary_max_lufs", {"Momentary max", "LUFS", 1}},
        {"short_term_max_lufs", {"Short-term max", "LUFS", 1}},
        {"true_peak_dbtp", {"True peak", "dBTP", 1}},
        {"sample_peak_dbfs", {"Sample peak", "dBFS", 1}},
        {"phase_correlation_min", {"Lowest phase correlation", "", 2}},
        {"av_offset_ms", {"A/V offset (audio late)", "ms", 1}},
        {"av_sync_confidence", {"A/V sync confidence", "", 2}},
        {"av_sync_frame", {"A/V sync pattern at frame", "", 0}},
    };
    if (const auto it = known.find(key); it != known.end()) return it->second;
    return {key, "", 2};
}

class Page {
  public:
    Page(const QcResult& r, double fps) : r_(r), fps_(fps) {}

    void fact(const std::string& name, const std::string& value) {
        facts_ +=
            fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", html_escape(name), html_escape(value));
    }
    std::string facts() const { return "<dl class=\"facts\">" + facts_ + "</dl>"; }

    // "01:00:02:00" over "frame 48".
    [[nodiscard]] std::string at(std::int64_t frame) const {
        const std::string tc = r_.timecode_at(frame);
        return fmt::format(
            "<span class=\"tc\">{}</span><br><small>frame {}</small>",
            html_escape(tc.empty() ? number(static_cast<double>(frame) / fps_, 3) + " s" : tc),
            frame);
    }

  private:
    const QcResult& r_;
    double fps_;
    std::string facts_;
};

std::string verdict_header(const QcResult& r, const MediaInfo& source, const std::string& profile) {
    int counts[3] = {0, 0, 0};  // error, warning, info
    for (const auto& e : r.events) {
        if (e.severity == Severity::Error) ++counts[0];
        if (e.severity == Severity::Warning) ++counts[1];
        if (e.severity == Severity::Info) ++counts[2];
    }
    const auto plural = [](int n, const char* word) {
        return fmt::format("<b>{}</b> {}{}", n, word, n == 1 ? "" : "s");
    };
    const bool pass = r.passed();
    return fmt::format(
        "<header class=\"top {}\"><div class=\"verdict\" id=\"verdict\">{}</div><div>"
        "<h1>{}</h1><p>QC profile <b id=\"profile\">{}</b></p><ul class=\"counts\">"
        "<li class=\"c-error\" id=\"count-error\">{}</li><li class=\"c-warning\" "
        "id=\"count-warning\">{}</li><li class=\"c-info\" id=\"count-info\">{} info</li></ul>"
        "</div></header>\n",
        pass ? "pass" : "fail", pass ? "PASS" : "FAIL",
        html_escape(std::filesystem::path(source.path).filename().string()), html_escape(profile),
        plural(counts[0], "error"), plural(counts[1], "warning"),
        fmt::format("<b>{}</b>", counts[2]));
}

std::string source_section(const QcResult& r, const MediaInfo& source, std::int64_t audio_samples,
                           double fps) {
    Page page(r, fps);
    page.fact("File", std::filesystem::path(source.path).filename().string());
    if (const auto folder = std::filesystem::path(source.path).parent_path(); !folder.empty())
        page.fact("Folder", folder.string());
    page.fact("Container",
              source.container_long.empty() ? source.container : source.container_long);
    page.fact("Size", file_size(source.size_bytes));
    if (source.video) {
        const auto& v = *source.video;
        page.fact("Video", v.codec + (v.profile.empty() ? "" : " (" + v.profile + ")") + ", " +
                               v.native_pix_fmt);
        page.fact("Picture", fmt::format("{}x{}{}", v.width, v.height,
                                         v.sample_aspect == Rational{1, 1}
                                             ? ""
                                             : ", pixel aspect " + v.sample_aspect.to_string()));
        page.fact("Frame rate", fmt::format("{} fps ({})", number(v.frame_rate.to_double(), 3),
                                            v.frame_rate.to_string()));
        page.fact("Frames", std::to_string(r.frames));
        page.fact("Duration", number(static_cast<double>(r.frames) / fps, 3) + " s");
        page.fact("Start timecode", r.timecode_at(0).empty() ? "none" : r.timecode_at(0));
        page.fact("Colour", fmt::format("primaries {}, transfer {}, matrix {}, range {}",
                                        to_string(v.tags.primaries), to_string(v.tags.transfer),
                                        to_string(v.tags.matrix), to_string(v.tags.range)));
        page.fact("Field order", to_string(v.field_order));
    }
    if (source.audio.empty()) page.fact("Audio", "none");
    for (std::size_t i = 0; i < source.audio.size(); ++i) {
        const auto& a = source.audio[i];
        page.fact(source.audio.size() == 1 ? "Audio" : fmt::format("Audio {}", i + 1),
                  fmt::format("{}, {} channel{} ({}), {} Hz", a.codec, a.channels,
                              a.channels == 1 ? "" : "s", a.channel_layout, a.sample_rate));
    }
    if (!source.audio.empty() && source.audio.front().sample_rate > 0 && audio_samples > 0)
        page.fact("Audio duration",
                  number(static_cast<double>(audio_samples) / source.audio.front().sample_rate, 3) +
                      " s");
    std::string html = "<section id=\"source\"><h2>Source</h2>" + page.facts();
    html += "<h3>Measurements</h3><dl class=\"facts\" id=\"measurements\">";
    for (const auto& [key, value] : r.measurements) {
        const MeasurementLabel label = describe_measurement(key);
        html += fmt::format("<div data-key=\"{}\"><dt>{}</dt><dd>{}{}</dd></div>", html_escape(key),
                            html_escape(label.name), number(value, label.decimals),
                            label.unit.empty() ? "" : " " + html_escape(label.unit));
    }
    return html + "</dl></section>\n";
}

std::string events_section(const QcResult& r, const std::vector<Thumbnail>& thumbnails,
                           const std::string& note, double fps) {
    std::map<std::int64_t, const Thumbnail*> by_frame;
    for (const auto& t : thumbnails) by_frame[t.frame] = &t;
    Page page(r, fps);
    std::string html = fmt::format("<section id=\"events\"><h2>Events ({})</h2>", r.events.size());
    if (!note.empty()) html += "<p class=\"note\">" + html_escape(note) + "</p>";
    if (r.events.empty()) return html + "<p>No events: every check passed.</p></section>\n";
    html +=
        "<table class=\"events\"><thead><tr><th>First frame</th><th>Check</th><th>Severity</th>"
        "<th>Start</th><th>End</th><th>Duration</th><th>Value</th><th>Message</th></tr></thead>"
        "<tbody>\n";
    for (const auto& e : r.events) {
        std::string picture = "<span class=\"none\">no picture</span>";
        if (const auto it = by_frame.find(e.start_frame); it != by_frame.end())
            picture = fmt::format(
                "<img src=\"data:image/jpeg;base64,{}\" width=\"{}\" height=\"{}\" alt=\"frame "
                "{}\">",
                qc::base64(it->second->jpeg), it->second->width, it->second->height, e.start_frame);
        const std::int64_t frames = e.end_frame - e.start_frame + 1;
        const char* severity = to_string(e.severity);
        html += fmt::format(
            "<tr class=\"event\" data-check=\"{0}\" data-severity=\"{1}\"><td class=\"thumb\">{2}"
            "</td><td><b>{0}</b></td><td class=\"sev sev-{1}\">{1}</td><td>{3}</td><td>{4}</td>"
            "<td class=\"num\">{5} s<br><small>{6} frame{7}</small></td><td class=\"num\">{8}</td>"
            "<td>{9}</td></tr>\n",
            html_escape(e.check), severity, picture, page.at(e.start_frame), page.at(e.end_frame),
            number(static_cast<double>(frames) / fps, 2), frames, frames == 1 ? "" : "s",
            html_escape(fmt::format("{:.4g}", e.value)), html_escape(e.message));
    }
    return html + "</tbody></table></section>\n";
}

float nan_unless(bool ok, float v) {
    return ok ? v : std::numeric_limits<float>::quiet_NaN();
}

std::string plots_section(const QcResult& r, const MediaInfo& source, double fps) {
    const std::size_t frames = std::max(r.per_frame.size(), r.per_frame_audio.size());
    std::string html = "<section id=\"plots\"><h2>Over time</h2>";
    if (frames == 0) return html + "<p>Nothing was measured.</p></section>\n";
    const auto measurement = [&](const char* key) -> std::optional<double> {
        for (const auto& [k, v] : r.measurements)
            if (k == key) return v;
        return std::nullopt;
    };
    const auto& pf = r.per_frame;
    const auto pic = [&pf](std::size_t i, float FrameStats::*field) {
        return nan_unless(i < pf.size(), i < pf.size() ? pf[i].*field : 0.0F);
    };
    if (!pf.empty() && source.video) {
        // The luma plot spans the code values of the picture's depth (RGB masters are
        // measured at 16 bits), with legal black and white marked for limited-range video.
        const PixelFormatInfo& fi = info(source.video->working_format);
        const bool rgb = fi.family == ColorFamily::Rgb;
        const int depth = rgb ? 16 : std::min(fi.bit_depth, 16);
        double top = std::ldexp(1.0, depth) - 1;
        for (const auto& f : pf) top = std::max<double>(top, f.luma_max);
        qc::PlotSpec luma{"luma", "Luma", "code values", 0, top, {}, {}};
        luma.series = {
            {"max", "#9aa5b1", qc::Reduce::Max,
             [&](std::size_t i) { return pic(i, &FrameStats::luma_max); }},
            {"average", "#1d2329", qc::Reduce::Mean,
             [&](std::size_t i) { return pic(i, &FrameStats::luma_avg); }},
            {"min", "#6b4fbb", qc::Reduce::Min,
             [&](std::size_t i) { return pic(i, &FrameStats::luma_min); }},
        };
        if (!rgb && source.video->tags.range != ColorRange::Full) {
            const double scale = std::ldexp(1.0, depth - 8);
            luma.guides = {{16 * scale, "legal black"}, {235 * scale, "legal white"}};
        }
        html += qc::timeline_svg(luma, r, frames, fps);

        double most = 1;
        for (const auto& f : pf) most = std::max<double>(most, f.diff);
        const double step = qc::nice_step(most, 4);
        qc::PlotSpec diff{
            "diff", "Frame difference", "% of range", 0, std::ceil(most / step) * step, {}, {}};
        diff.series = {
            {"difference to the previous frame", "#00838f", qc::Reduce::Max, [&](std::size_t i) {
                 const float d = pic(i, &FrameStats::diff);
                 return d < 0 ? std::numeric_limits<float>::quiet_NaN() : d;
             }}};
        html += qc::timeline_svg(diff, r, frames, fps);
    }
    const auto& pa = r.per_frame_audio;
    const auto snd = [&pa](std::size_t i, float AudioFrameStats::*field) {
        return nan_unless(i < pa.size(), i < pa.size() ? pa[i].*field : 0.0F);
    };
    if (!pa.empty()) {
        qc::PlotSpec loudness{"loudness", "Loudness", "LUFS", -60, 0, {}, {}};
        loudness.series = {
            {"momentary (400 ms)", "#ef6c00", qc::Reduce::Max,
             [&](std::size_t i) { return snd(i, &AudioFrameStats::momentary); }},
            {"short-term (3 s)", "#1e6fd9", qc::Reduce::Mean,
             [&](std::size_t i) { return snd(i, &AudioFrameStats::short_term); }},
        };
        if (const auto integrated = measurement("integrated_lufs"))
            loudness.guides.emplace_back(*integrated,
                                         fmt::format("integrated {:.1f} LUFS", *integrated));
        html += qc::timeline_svg(loudness, r, frames, fps);
        qc::PlotSpec peak{"peak", "Audio peak", "dBFS", -60, 0, {}, {}};
        peak.series = {{"sample peak", "#2e7d32", qc::Reduce::Max,
                        [&](std::size_t i) { return snd(i, &AudioFrameStats::peak); }}};
        if (const auto tp = measurement("true_peak_dbtp"))
            peak.guides.emplace_back(*tp, fmt::format("true peak {:.1f} dBTP", *tp));
        html += qc::timeline_svg(peak, r, frames, fps);
    } else {
        html +=
            "<p class=\"note\">No sound was measured (no audio, or the loudness check is off).</p>";
    }
    return html + "</section>\n";
}

}  // namespace

std::string qc_report_html(const QcResult& r, const MediaInfo& source, const std::string& profile,
                           std::int64_t audio_samples, const std::vector<Thumbnail>& thumbnails,
                           const std::string& note) {
    const double fps = source.video && source.video->frame_rate.valid()
                           ? source.video->frame_rate.to_double()
                           : 24.0;
    const std::string name = std::filesystem::path(source.path).filename().string();
    std::string html = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>QC {}: {}</title><style>{}</style></head>\n<body><main>\n",
        r.passed() ? "PASS" : "FAIL", html_escape(name), kStyle);
    html += verdict_header(r, source, profile);
    html += source_section(r, source, audio_samples, fps);
    html += events_section(r, thumbnails, note, fps);
    html += plots_section(r, source, fps);
    html += fmt::format(
        "<footer>cinepipe {} · QC report for people; the machine-readable one is "
        "<code>--json</code> (cinepipe.qc/1)</footer>\n</main></body></html>\n",
        html_escape(version_string()));
    return html;
}

}  // namespace cinepipe
