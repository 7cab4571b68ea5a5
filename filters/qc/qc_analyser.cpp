// The `qc` analyser (every check of a profile in one node, sharing one measurement pass per
// frame) and one node type per check (`black`, `freeze`, ...), for graphs that want only one.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

#include "cinepipe/error.h"
#include "cinepipe/output_file.h"
#include "cinepipe/qc.h"
#include "frame_measure.h"
#include "qc_check.h"
#include "qc_filters.h"

namespace cinepipe {

namespace {

using qc::CheckInfo;

struct CheckSetting {
    const CheckInfo* info = nullptr;
    Severity severity = Severity::Error;
    ParamSet params;
};

// "black.min_duration" -> the black check's "min_duration".
ParamSet sub_params(const ParamSet& all, const std::string& prefix) {
    std::map<std::string, ParamValue> values;
    std::vector<std::string> given;
    for (const auto& [name, value] : all.values())
        if (name.rfind(prefix, 0) == 0) {
            values[name.substr(prefix.size())] = value;
            if (all.given(name)) given.push_back(name.substr(prefix.size()));
        }
    return ParamSet(std::move(values), std::move(given));
}

class QcAnalyser final : public Node {
  public:
    QcAnalyser(std::vector<CheckSetting> checks, const ParamSet& p, const NodeContext& ctx)
        : settings_(std::move(checks)), ctx_(ctx), profile_(p.get_string("profile")) {
        // Opened now, so an existing file is refused before the first frame is decoded.
        const bool overwrite = ctx.overwrite || p.get_bool("overwrite");
        using Target = std::pair<const char*, std::optional<TextOutput>*>;
        for (const auto& [name, out] : {Target{"report", &report_}, Target{"html", &html_},
                                        Target{"edl", &edl_}, Target{"csv", &csv_}})
            if (const std::string& path = p.get_string(name); !path.empty())
                out->emplace(path, overwrite);
        result_.node = ctx.id;
    }

    StreamDesc configure(const StreamDesc& in) override {
        const auto& fi = info(in.format);
        facts_.fps = in.frame_rate;
        facts_.field_order =
            ctx_.source && ctx_.source->video ? ctx_.source->video->field_order : in.field_order;
        facts_.full_range = in.tags.range == ColorRange::Full;
        facts_.rgb = fi.family == ColorFamily::Rgb;
        facts_.float_samples = fi.sample == SampleType::F32;
        facts_.source = ctx_.source;
        qc::MeasureConfig measure;
        for (const auto& s : settings_)
            if (s.severity != Severity::Off)
                checks_.push_back(s.info->create(s.params, s.severity, facts_, measure));
        measurer_.emplace(measure, in.format, in.width, in.height, in.tags);
        return in;
    }

    void consume(const MediaUnit& unit) override {
        if (unit.video) consume_picture(unit.video);
        consume_audio(unit);
    }

    void finish() override {
        prepared_.clear();  // the last picture, held for a successor that did not come
        facts_.stats = ctx_.source_stats;
        for (auto& c : checks_) c->finish(result_.frames, result_.events);
        // Sound past the last picture is reported at the last picture: every event names
        // frames the report has.
        if (result_.frames > 0)
            for (auto& e : result_.events) {
                e.start_frame = std::min(e.start_frame, result_.frames - 1);
                e.end_frame = std::min(e.end_frame, result_.frames - 1);
            }
        std::stable_sort(
            result_.events.begin(), result_.events.end(),
            [](const QcEvent& a, const QcEvent& b) { return a.start_frame < b.start_frame; });
        auto& m = result_.measurements;
        m.emplace_back("frames", static_cast<double>(result_.frames));
        if (result_.frames > 0) {
            m.emplace_back("luma_min", luma_min_);
            m.emplace_back("luma_max", luma_max_);
            m.emplace_back("luma_avg", luma_sum_ / static_cast<double>(result_.frames));
        }
        for (const auto& c : checks_) c->measurements(m);
        for (const auto& c : checks_) c->audio_series(result_.per_frame_audio);
        if (!ctx_.source) return;
        const MediaInfo& source = *ctx_.source;
        const std::int64_t audio_samples = ctx_.source_stats ? ctx_.source_stats->audio_samples : 0;
        write(report_, [&] { return qc_report_json(result_, source, profile_, audio_samples); });
        write(html_, [&] {
            std::string note;
            const std::vector<Thumbnail> pictures = thumbnails(note);
            return qc_report_html(result_, source, profile_, audio_samples, pictures, note);
        });
        write(edl_, [&] { return qc_markers_edl(result_, source); });
        write(csv_, [&] { return qc_markers_csv(result_, source); });
    }
    void commit() override {
        for (auto* out : {&report_, &html_, &edl_, &csv_})
            if (*out) (*out)->commit();
    }
    [[nodiscard]] std::vector<std::string> outputs() const override {
        std::vector<std::string> paths;
        for (const auto* out : {&report_, &html_, &edl_, &csv_})
            if (*out) paths.push_back((*out)->path());
        return paths;
    }
    [[nodiscard]] const QcResult* qc_result() const override { return &result_; }
    [[nodiscard]] std::string describe() const override {
        std::string names;
        for (const auto& s : settings_)
            if (s.severity != Severity::Off) names += (names.empty() ? "" : ", ") + s.info->name;
        return names.empty() ? "no checks" : names;
    }

  private:
    template <class Text>
    static void write(std::optional<TextOutput>& out, Text text) {
        if (!out) return;
        out->write(text());
        out->close();
    }

    // The first frame of each event, for the HTML report, read again from the source now that
    // the events are known. A source that cannot give them back still gets its report: the
    // page says why the pictures are missing.
    std::vector<Thumbnail> thumbnails(std::string& note) const {
        if (!ctx_.source->video || result_.events.empty()) return {};
        std::vector<ThumbnailRequest> requests;
        std::set<std::int64_t> frames;
        for (const auto& e : result_.events) {
            requests.push_back({e.start_frame, result_.clock_frame(e.start_frame)});
            frames.insert(e.start_frame);
        }
        ThumbnailOptions options;
        if (frames.size() > options.max_count)
            note = fmt::format("Pictures for the first {} of {} distinct first frames only.",
                               options.max_count, frames.size());
        try {
            return grab_thumbnails(ctx_.source->path, std::move(requests), options);
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            note = std::string("No pictures: ") + e.what();
            return {};
        }
    }

    [[nodiscard]] bool prepares() const override { return true; }

    // The measurements that need no other picture, and each picture's differences from the
    // one or two before it, many pictures at once; consume_picture collects them in order. Of
    // two pictures to compare, whichever is prepared second compares them.
    void prepare(const FramePtr& frame) override {
        using Difference = qc::FrameMeasurer::Difference;
        const std::int64_t n = frame->index;
        // Partners at n-2, n-1, n+1, n+2 (the i-2 pairs only when a check may want them).
        std::array<FramePtr, 5> partner;
        const bool skips = measurer_->may_skip();
        {
            const std::lock_guard lock(prepared_mutex_);
            prepared_[n].frame = frame;
            for (std::int64_t k = -2; k <= 2; ++k) {
                if (k == 0 || ((k == -2 || k == 2) && !skips)) continue;
                if (auto it = prepared_.find(n + k); it != prepared_.end())
                    partner[static_cast<std::size_t>(k + 2)] = it->second.frame;
            }
        }
        const qc::Observation o = measurer_->measure_alone(*frame);
        std::array<std::optional<Difference>, 5> found;
        if (!facts_.rgb)  // RGB pictures are compared in order, through their luma
            for (std::size_t i = 0; i < partner.size(); ++i) {
                if (!partner[i]) continue;
                const bool successive = i == 1 || i == 3;
                found[i] = i < 2 ? measurer_->difference(*partner[i], *frame, successive)
                                 : measurer_->difference(*frame, *partner[i], successive);
            }
        // None of these entries can have been consumed: consume_picture(n + 2) erases n and
        // waits for this call.
        const std::lock_guard lock(prepared_mutex_);
        Prepared& p = prepared_[n];
        p.observation = o;
        if (found[0]) p.known.two_before = found[0];
        if (found[1]) p.known.previous = found[1];
        if (found[3]) prepared_[n + 1].known.previous = found[3];
        if (found[4]) prepared_[n + 2].known.two_before = found[4];
    }

    void consume_picture(const FramePtr& frame) {
        const VideoFrame& f = *frame;
        std::optional<qc::Observation> ready;
        qc::FrameMeasurer::KnownDifferences known;
        {
            const std::lock_guard lock(prepared_mutex_);
            if (auto it = prepared_.find(f.index); it != prepared_.end()) {
                ready = it->second.observation;
                known = it->second.known;
            }
            // The pictures before the previous one have been compared with both successors;
            // the last two stay until theirs are prepared.
            prepared_.erase(prepared_.begin(), prepared_.lower_bound(f.index - 1));
        }
        qc::Observation o;
        if (ready) {
            o = *ready;
            measurer_->measure_in_order(frame, o, known);
        } else {
            o = measurer_->measure(frame);
        }
        for (auto& c : checks_) c->observe(o, result_.events);
        result_.per_frame.push_back({static_cast<float>(o.luma_min), static_cast<float>(o.luma_avg),
                                     static_cast<float>(o.luma_max),
                                     o.diff < 0 ? -1.0F : static_cast<float>(100 * o.diff)});
        if (f.timecode && (!last_tc_ || !(last_tc_->advanced(1) == *f.timecode)))
            result_.timecodes.push_back({f.index, *f.timecode});
        last_tc_ = f.timecode;
        luma_min_ = std::min(luma_min_, o.luma_min);
        luma_max_ = std::max(luma_max_, o.luma_max);
        luma_sum_ += o.luma_avg;
        ++result_.frames;
    }

    // Each stream's samples go to the checks with the frame they play with (see AudioBlock).
    void consume_audio(const MediaUnit& unit) {
        if (audio_end_.size() < unit.audio.size()) audio_end_.resize(unit.audio.size(), 0);
        for (std::size_t i = 0; i < unit.audio.size(); ++i) {
            const AudioBuffer& a = unit.audio[i];
            qc::AudioBlock block{a, static_cast<int>(i), 0, -1, facts_.fps};
            if (unit.video) {
                block.frame = result_.frames - 1;  // the picture just counted
                audio_end_[i] = a.pts + a.frames();
            } else {
                block.frame = result_.frames;
                block.tail_start = audio_end_[i];
            }
            if (a.frames() == 0) continue;
            for (auto& c : checks_) c->observe_audio(block, result_.events);
        }
    }

    std::vector<CheckSetting> settings_;
    NodeContext ctx_;
    std::string profile_;
    std::optional<TextOutput> report_;
    std::optional<TextOutput> html_;
    std::optional<TextOutput> edl_;  // markers for editors
    std::optional<TextOutput> csv_;
    qc::ClipFacts facts_;  // before checks_: they keep a reference
    std::vector<std::unique_ptr<qc::Check>> checks_;
    std::optional<qc::FrameMeasurer> measurer_;
    // A picture prepare() has seen: held until the two after it are compared with it.
    struct Prepared {
        FramePtr frame;
        std::optional<qc::Observation> observation;
        qc::FrameMeasurer::KnownDifferences known;  // against index - 1 and - 2
    };
    std::mutex prepared_mutex_;
    std::map<std::int64_t, Prepared> prepared_;  // by frame index
    QcResult result_;
    std::optional<Timecode> last_tc_;
    std::vector<std::int64_t> audio_end_;  // per stream: where the last picture's audio ended
    double luma_min_ = std::numeric_limits<double>::max();
    double luma_max_ = 0;
    double luma_sum_ = 0;
};

std::vector<ParamSpec> report_params() {
    auto optional_path = [](std::string name, std::string help) {
        ParamSpec p = path_param(std::move(help));
        p.name = std::move(name);
        p.default_value = std::string();
        return p;
    };
    return {optional_path("report", "JSON report to write (cinepipe.qc/1); empty: none"),
            optional_path("html", "HTML report to write (for people, with pictures); empty: none"),
            optional_path("edl",
                          "Events as DaVinci Resolve timeline markers (CMX3600 EDL); "
                          "empty: none"),
            optional_path("csv", "Events as a marker list (CSV); empty: none"),
            overwrite_param(),
            string_param("profile", "", "Profile name recorded in the report")};
}

FilterInfo analyser_info(std::string name, std::string help) {
    FilterInfo f;
    f.name = std::move(name);
    f.version = "1.0";
    f.kind = NodeKind::Analyser;
    f.family = "qc";
    f.help = std::move(help);
    f.thread_safe = false;
    f.needs_in_order = true;
    return f;
}

}  // namespace

FilterInfo qc_filter_info() {
    FilterInfo f =
        analyser_info("qc",
                      "Every QC check in one pass (parameters CHECK.PARAM; see docs/qc.md); "
                      "cinepipe qc --profile sets them from a profile");
    f.params = report_params();
    for (const auto& c : qc::all_checks()) {
        ParamSpec sev = qc::severity_param(c.default_severity);
        sev.name = c.name + ".severity";
        f.params.push_back(sev);
        for (ParamSpec p : c.params) {
            p.name = c.name + "." + p.name;
            f.params.push_back(std::move(p));
        }
    }
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        std::vector<CheckSetting> settings;
        for (const auto& c : qc::all_checks())
            settings.push_back({&c, qc::parse_severity(p.get_string(c.name + ".severity")),
                                sub_params(p, c.name + ".")});
        return std::make_unique<QcAnalyser>(std::move(settings), p, ctx);
    };
    return f;
}

std::vector<FilterInfo> check_filter_infos() {
    std::vector<FilterInfo> out;
    for (const auto& c : qc::all_checks()) {
        FilterInfo f = analyser_info(c.name, c.help);
        f.params = report_params();
        f.params.push_back(qc::severity_param(c.default_severity));
        for (const auto& p : c.params) f.params.push_back(p);
        const std::string name = c.name;
        f.create = [name](const ParamSet& p, const NodeContext& ctx) {
            const CheckInfo* info = qc::find_check(name);
            std::vector<CheckSetting> settings{
                {info, qc::parse_severity(p.get_string("severity")), p}};
            return std::make_unique<QcAnalyser>(std::move(settings), p, ctx);
        };
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace cinepipe
