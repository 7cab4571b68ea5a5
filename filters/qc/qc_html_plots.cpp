#include "qc_html_plots.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "cinepipe/html_text.h"

namespace cinepipe::qc {

namespace {

// The SVG's own coordinates; the page scales it to its width.
constexpr double kWidth = 1000;
constexpr double kHeight = 170;
constexpr double kLeft = 58;
constexpr double kRight = 12;
constexpr double kTop = 22;
constexpr double kBottom = 24;

struct Frame {
    double x0 = kLeft, x1 = kWidth - kRight, y0 = kTop, y1 = kHeight - kBottom;
    std::size_t frames = 1;
    double lo = 0, hi = 1;
    [[nodiscard]] double x(double frame) const {
        return x0 + (x1 - x0) * frame / static_cast<double>(frames);
    }
    [[nodiscard]] double y(double v) const {
        v = std::clamp(v, lo, hi);  // -inf (silence) sits on the floor
        return y1 - (y1 - y0) * (v - lo) / (hi - lo);
    }
};

const char* severity_class(Severity s) {
    switch (s) {
        case Severity::Error:
            return "ev-error";
        case Severity::Warning:
            return "ev-warning";
        default:
            return "ev-info";
    }
}

// One bucket of frames [first, last) reduced to a value; NaN when none of them has one.
float reduce(const PlotSeries& s, std::size_t first, std::size_t last) {
    double acc = s.reduce == Reduce::Min ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = first; i < last; ++i) {
        const float v = s.at(i);
        if (std::isnan(v)) continue;
        ++n;
        if (s.reduce == Reduce::Min) acc = std::min<double>(acc, v);
        if (s.reduce == Reduce::Max) acc = std::max<double>(acc, v);
        if (std::isfinite(v)) sum += v;
    }
    if (n == 0) return std::numeric_limits<float>::quiet_NaN();
    if (s.reduce == Reduce::Mean) return static_cast<float>(sum / static_cast<double>(n));
    return static_cast<float>(acc);
}

// The line as one path, broken where there is no value.
std::string series_path(const PlotSeries& s, const Frame& f) {
    const std::size_t buckets = std::min(f.frames, kMaxPoints);
    std::string d;
    bool pen_down = false;
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t first = b * f.frames / buckets;
        const std::size_t last = std::max(first + 1, (b + 1) * f.frames / buckets);
        const float v = reduce(s, first, last);
        if (std::isnan(v)) {
            pen_down = false;
            continue;
        }
        const double centre = (static_cast<double>(first) + static_cast<double>(last)) / 2;
        d += fmt::format("{}{:.1f} {:.1f}", pen_down ? " L" : (d.empty() ? "M" : " M"), f.x(centre),
                         f.y(v));
        pen_down = true;
    }
    return d;
}

std::string time_label(const QcResult& r, std::size_t frame, double fps) {
    const std::string tc = r.timecode_at(static_cast<std::int64_t>(frame));
    if (!tc.empty()) return tc;
    return fmt::format("{:.1f} s", static_cast<double>(frame) / fps);
}

void time_axis(std::string& svg, const QcResult& r, const Frame& f, double fps) {
    const double seconds = static_cast<double>(f.frames) / fps;
    // Whole seconds (or round multiples) once there are a few, else frames.
    static constexpr std::array<double, 14> kSteps{1,   2,   5,   10,  15,   30,   60,
                                                   120, 300, 600, 900, 1800, 3600, 7200};
    double step_frames = std::max(1.0, std::ceil(static_cast<double>(f.frames) / 6));
    if (seconds >= 3)
        for (const double s : kSteps)
            if (seconds / s <= 8) {
                step_frames = s * fps;
                break;
            }
    svg += "<g class=\"axis\">";
    for (double t = 0; t < static_cast<double>(f.frames) + 0.5; t += step_frames) {
        const auto frame = static_cast<std::size_t>(std::llround(t));
        const double x = f.x(static_cast<double>(frame));
        svg += fmt::format(
            "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>"
            "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"{4}\">{5}</text>",
            x, f.y0, f.y1 + 4, kHeight - 8,
            frame == 0 ? "start" : (x > f.x1 - 40 ? "end" : "middle"),
            html_escape(time_label(r, std::min(frame, f.frames - 1), fps)));
    }
    const double step = nice_step(f.hi - f.lo, 4);
    for (double v = std::ceil(f.lo / step) * step; v <= f.hi + step * 1e-6; v += step)
        svg += fmt::format(
            "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" class=\"grid\"/>"
            "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
            f.x0, f.y(v), f.x1, f.x0 - 4, f.y(v) + 4,
            fmt::format("{:g}", std::abs(v) < 1e-9 ? 0.0 : v));
    svg += "</g>";
}

// Events that overlap on screen, of one severity, as one mark: the marks stay bounded by the
// plot's width however many events there are.
struct Mark {
    double a = 0, b = 0;
    Severity severity = Severity::Error;
    bool whole = false;  // an event over the whole clip
    std::vector<const QcEvent*> events;
};

std::string mark_title(const Mark& m) {
    if (m.events.size() == 1) {
        const QcEvent& e = *m.events.front();
        return fmt::format("{} ({}): {}", e.check, to_string(e.severity), e.message);
    }
    std::vector<std::pair<std::string, int>> counts;
    for (const QcEvent* e : m.events) {
        auto it = std::find_if(counts.begin(), counts.end(),
                               [&](const auto& c) { return c.first == e->check; });
        if (it == counts.end())
            counts.emplace_back(e->check, 1);
        else
            ++it->second;
    }
    std::string title = fmt::format("{} {} events:", m.events.size(), to_string(m.severity));
    for (const auto& [check, n] : counts) title += fmt::format(" {} x{},", check, n);
    title.pop_back();
    return title;
}

// Each event shaded under the lines, at least a pixel and a half wide so one frame shows. An
// event over the whole clip (loudness, a layout) is a band along the top instead: shaded
// across everything it would hide the events that have a place in time.
void event_marks(std::string& svg, const QcResult& r, const Frame& f) {
    std::vector<Mark> marks;
    for (const auto& e : r.events) {
        Mark m;
        m.a = f.x(static_cast<double>(e.start_frame));
        m.b = std::min(f.x1, std::max(m.a + 1.5, f.x(static_cast<double>(e.end_frame + 1))));
        m.severity = e.severity;
        m.whole = r.frames > 1 && e.start_frame == 0 && e.end_frame >= r.frames - 1;
        m.events = {&e};
        marks.push_back(std::move(m));
    }
    std::stable_sort(marks.begin(), marks.end(), [](const Mark& x, const Mark& y) {
        return std::tie(x.whole, x.severity, x.a) < std::tie(y.whole, y.severity, y.a);
    });
    std::vector<Mark> merged;
    for (auto& m : marks) {
        if (!merged.empty() && merged.back().whole == m.whole &&
            merged.back().severity == m.severity && m.a <= merged.back().b + 0.5) {
            Mark& last = merged.back();
            last.b = std::max(last.b, m.b);
            last.events.push_back(m.events.front());
        } else {
            merged.push_back(std::move(m));
        }
    }
    for (const auto& m : merged) {
        std::string checks;
        for (const QcEvent* e : m.events)
            if (checks.find(e->check) == std::string::npos)
                checks += (checks.empty() ? "" : " ") + e->check;
        svg += fmt::format(
            "<rect class=\"ev {}{}\" data-check=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" "
            "width=\"{:.1f}\" height=\"{:.1f}\"><title>{}</title></rect>",
            severity_class(m.severity), m.whole ? " clip" : "", html_escape(checks), m.a, f.y0,
            m.b - m.a, m.whole ? 4.0 : f.y1 - f.y0, html_escape(mark_title(m)));
    }
}

}  // namespace

double nice_step(double span, int target) {
    if (!(span > 0)) return 1;
    const double raw = span / target;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw) return m * power;
    return 10 * power;
}

std::string timeline_svg(const PlotSpec& spec, const QcResult& r, std::size_t frames, double fps) {
    Frame f;
    f.frames = std::max<std::size_t>(frames, 1);
    f.lo = spec.y_min;
    f.hi = spec.y_max > spec.y_min ? spec.y_max : spec.y_min + 1;
    std::string svg = fmt::format(
        "<svg class=\"plot\" id=\"plot-{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"{}\">",
        html_escape(spec.id), kWidth, kHeight, html_escape(spec.title));
    svg += fmt::format(
        "<text x=\"{}\" y=\"14\" class=\"title\">{} <tspan class=\"unit\">({})</tspan></text>",
        f.x0, html_escape(spec.title), html_escape(spec.unit));
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"area\"/>", f.x0,
        f.y0, f.x1 - f.x0, f.y1 - f.y0);
    event_marks(svg, r, f);
    time_axis(svg, r, f, fps);
    for (const auto& [value, label] : spec.guides)
        if (value >= f.lo && value <= f.hi)
            svg += fmt::format(
                "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" "
                "class=\"guide\"/>"
                "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\" "
                "class=\"guide-label\">{5}</text>",
                f.x0, f.y(value), f.x1, f.x1 - 2, f.y(value) - 3, html_escape(label));
    double legend_x = f.x1;
    for (auto it = spec.series.rbegin(); it != spec.series.rend(); ++it) {
        svg += fmt::format("<path d=\"{}\" stroke=\"{}\" class=\"line\"/>", series_path(*it, f),
                           html_escape(it->colour));
        legend_x -= 7.0 * static_cast<double>(it->name.size()) + 22;
        svg += fmt::format(
            "<rect x=\"{:.1f}\" y=\"6\" width=\"10\" height=\"10\" fill=\"{}\"/>"
            "<text x=\"{:.1f}\" y=\"15\" class=\"legend\">{}</text>",
            legend_x, html_escape(it->colour), legend_x + 14, html_escape(it->name));
    }
    return svg + "</svg>";
}

}  // namespace cinepipe::qc
