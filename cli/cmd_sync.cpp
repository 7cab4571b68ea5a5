// `cinepipe sync`: lip-sync of one clip from a beep/flash or 2-pop, against EBU R37's window;
// or dual-system sound: where clips sit in a separate recording (one file, or a folder of sound
// rolls matched by timecode and correlation), with the recording laid in by -o.

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cinepipe/av_sync.h"
#include "cinepipe/dual_system.h"
#include "cinepipe/error.h"
#include "cinepipe/layback.h"
#include "cinepipe/output_file.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;

struct SyncArgs {
    std::vector<std::string> clips;
    std::string audio;
    std::string json;
    std::string output;
    double early_ms = 40;  // EBU R37: audio no more than 40 ms early
    double late_ms = 60;   // ... and no more than 60 ms late
    double search = 120;
    int stream = 0;
    bool keep_scratch = false;
    bool overwrite = false;
    StatsRecorder* measured = nullptr;  // the command's --stats
};

double rounded(double v, double unit) {
    return std::round(v / unit) * unit;
}

void print(const std::string& line) {
    std::printf("%s\n", line.c_str());
}

nlohmann::ordered_json to_json(const DualSystemResult& d) {
    nlohmann::ordered_json j = {{"method", d.method},
                                {"offset_ms", rounded(d.offset_ms, 0.001)},
                                {"offset_samples", d.offset_samples},
                                {"external_rate", d.external_rate},
                                {"confidence", rounded(d.confidence, 0.001)},
                                {"drift_ppm", rounded(d.drift_ppm, 0.01)},
                                {"drift_windows", d.drift_windows}};
    if (d.has_timecode_offset) {
        j["timecode_offset_ms"] = rounded(d.timecode_offset_ms, 0.001);
        j["timecode_agrees"] = d.timecode_agrees;
        j["timecode_source"] = d.timecode_source;
    }
    j["warnings"] = d.warnings;
    return j;
}

void print_result(const std::string& clip, const std::string& roll, const DualSystemResult& d) {
    if (d.method == "timecode")
        print(fmt::format("{}: offset_ms {:+.3f} ({} samples at {} Hz) in {}, by timecode", clip,
                          d.offset_ms, d.offset_samples, d.external_rate, roll));
    else
        print(
            fmt::format("{}: offset_ms {:+.3f} ({} samples at {} Hz) in {}, confidence {:.2f}, "
                        "drift {:+.1f} ppm over {} windows",
                        clip, d.offset_ms, d.offset_samples, d.external_rate, roll, d.confidence,
                        d.drift_ppm, d.drift_windows));
    if (d.has_timecode_offset && d.method == "sound")
        print(fmt::format(
            "  timecode ({}) says {:+.3f} ms: {}", d.timecode_source, d.timecode_offset_ms,
            d.timecode_agrees ? "agrees with the sound" : "DISAGREES with the sound"));
    for (const auto& w : d.warnings) print("  warning: " + w);
}

// Lays the recording in; the written file's facts go into `j`.
void lay_in(const std::string& clip, const std::string& roll, const DualSystemResult& d,
            const std::string& output, const SyncArgs& a, nlohmann::ordered_json& j) {
    LaybackOptions lo;
    lo.offset_samples = d.offset_samples;
    lo.keep_scratch = a.keep_scratch;
    lo.overwrite = a.overwrite;
    const LaybackResult l = lay_in_sound(clip, roll, output, lo, interrupt_token());
    a.measured->merge(l.stats);
    j["output"] = {{"path", output},
                   {"audio_codec", l.audio_codec},
                   {"channels", l.channels},
                   {"sample_rate", l.sample_rate},
                   {"samples", l.samples},
                   {"silence_head", l.silence_head},
                   {"silence_tail", l.silence_tail}};
    print(fmt::format("  wrote {}: picture copied, {} channels of {} at {} Hz laid in", output,
                      l.channels, l.audio_codec, l.sample_rate));
    for (const auto& w : l.warnings) print("  warning: " + w);
    // What drift does over the clip: the sound is cut at the start, not resampled.
    const double drift_ms = std::abs(d.drift_ppm) * 1e-6 * double(l.samples) / l.sample_rate * 1000;
    if (drift_ms > 10)
        print(
            fmt::format("  warning: {:+.1f} ppm of drift moves the sound {:.1f} ms by the clip's "
                        "end; it is not corrected",
                        d.drift_ppm, drift_ms));
}

int run_dual_system(const SyncArgs& a, std::optional<TextOutput>& out) {
    const std::string& clip = a.clips.front();
    DualSystemOptions ds;
    ds.audio_stream = a.stream;
    ds.stats = a.measured;
    if (!a.output.empty()) check_layback_target(a.output, a.overwrite);
    const DualSystemResult d = align_dual_system(clip, a.audio, ds, interrupt_token());
    nlohmann::ordered_json j = {{"schema", "cinepipe.sync/1"},
                                {"mode", "dual_system"},
                                {"input", clip},
                                {"external", a.audio}};
    j.update(to_json(d));
    print_result(clip, a.audio, d);
    if (!a.output.empty()) lay_in(clip, a.audio, d, a.output, a, j);
    if (out) {
        out->write(j.dump(1) + "\n");
        out->close();
        out->commit();
    }
    return kOk;
}

// Many clips against a folder (or one file) of sound rolls; -o is then a folder that gets
// each matched clip under its own name.
int run_batch(const SyncArgs& a, std::optional<TextOutput>& out) {
    std::error_code ec;
    const std::vector<std::string> rolls = fs::is_directory(a.audio, ec)
                                               ? list_sound_rolls(a.audio)
                                               : std::vector<std::string>{a.audio};
    if (!a.output.empty()) {
        if (!fs::is_directory(a.output, ec))
            throw OutputError(a.output +
                              ": not a folder (with several clips or a folder of sound "
                              "rolls, -o names the folder for the synced clips)");
        std::set<std::string> names;
        for (const auto& c : a.clips) {
            const std::string name = fs::path(c).filename().string();
            if (!names.insert(name).second)
                throw OutputError(
                    fmt::format("{}: two clips are named {}; their synced copies "
                                "would collide there",
                                a.output, name));
            check_layback_target((fs::path(a.output) / name).string(), a.overwrite);
        }
    }
    DualSystemOptions ds;
    ds.audio_stream = a.stream;
    ds.stats = a.measured;
    const SoundRollMatching m =
        match_sound_rolls(a.clips, rolls, ds, interrupt_token(), [](const SoundMatch& s) {
            if (!s.roll.empty()) print_result(s.clip, s.roll, s.result);
        });
    nlohmann::ordered_json j = {{"schema", "cinepipe.sync/1"},
                                {"mode", "batch"},
                                {"sound_rolls", rolls},
                                {"clips", nlohmann::ordered_json::array()}};
    int matched = 0, unmatched = 0, unreadable = 0, failed_writes = 0;
    for (const auto& s : m.clips) {
        nlohmann::ordered_json c = {{"input", s.clip}};
        if (!s.roll.empty()) {
            ++matched;
            c["external"] = s.roll;
            c.update(to_json(s.result));
            // One clip's failed write is reported with it; the others are still written.
            if (!a.output.empty()) try {
                    lay_in(s.clip, s.roll, s.result,
                           (fs::path(a.output) / fs::path(s.clip).filename()).string(), a, c);
                } catch (const std::runtime_error& e) {
                    ++failed_writes;
                    c["problem"] = e.what();
                    print(std::string("error: ") + e.what());
                }
        } else {
            ++(s.unreadable ? unreadable : unmatched);
            c["problem"] = s.problem;
            print((s.unreadable ? "error: " : "no match: ") + s.problem);
        }
        j["clips"].push_back(c);
    }
    for (const auto& p : m.roll_problems) print("error: " + p);
    for (const auto& r : m.unused_rolls) print("unused sound roll: " + r);
    j["unmatched"] = unmatched;
    j["unreadable"] = unreadable;
    j["unused_rolls"] = m.unused_rolls;
    j["roll_problems"] = m.roll_problems;
    print(fmt::format("{} of {} clips synced, {} with no match, {} unreadable{}", matched,
                      a.clips.size(), unmatched, unreadable,
                      failed_writes ? fmt::format(", {} not written", failed_writes) : ""));
    if (out) {
        out->write(j.dump(1) + "\n");
        out->close();
        out->commit();
    }
    if (failed_writes > 0) return kOutputError;
    if (unreadable > 0) return kInputError;
    return unmatched > 0 ? kChecksFailed : kOk;
}

int run_sync_pattern(const SyncArgs& a, std::optional<TextOutput>& out) {
    const std::string& clip = a.clips.front();
    AvSyncOptions options;
    options.search_seconds = a.search;
    options.audio_stream = a.stream;
    std::optional<StageTimer> timer(&a.measured->stage("find sync pattern (read head, detect)"));
    const AvSyncResult r = measure_av_sync(clip, options, interrupt_token());
    timer.reset();
    const bool inside = r.found && r.av_offset_ms >= -a.early_ms && r.av_offset_ms <= a.late_ms;
    if (out) {
        nlohmann::json j = {{"schema", "cinepipe.sync/1"},
                            {"input", clip},
                            {"found", r.found},
                            {"message", r.message},
                            {"window", {{"early_ms", a.early_ms}, {"late_ms", a.late_ms}}}};
        if (r.found) {
            j["pattern"] = r.pattern;
            j["video_frame"] = r.video_frame;
            j["video_time"] = r.video_time;
            j["audio_time"] = r.audio_time;
            j["av_offset_ms"] = rounded(r.av_offset_ms, 0.01);
            j["tone_hz"] = std::round(r.tone_hz);
            j["confidence"] = rounded(r.confidence, 0.001);
            j["verdict"] = inside ? "pass" : "fail";
        }
        out->write(j.dump(1) + "\n");
        out->close();
        out->commit();
    }
    if (!r.found) throw InputError(clip + ": " + r.message);
    // Under a hundredth of a millisecond (a fraction of a sample) is no offset, not "-0.00".
    const double shown = std::abs(r.av_offset_ms) < 0.005 ? 0.0 : r.av_offset_ms;
    print(fmt::format(
        "{}: av_offset_ms {:+.2f} ({}), {} at frame {}, confidence {:.2f}: {}", clip, shown,
        shown > 0   ? "audio late"
        : shown < 0 ? "audio early"
                    : "no offset",
        r.pattern, r.video_frame, r.confidence,
        inside ? "in sync"
               : fmt::format("OUT OF SYNC (window -{:g}..+{:g} ms)", a.early_ms, a.late_ms)));
    return inside ? kOk : kChecksFailed;
}

}  // namespace

Runner add_sync(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<SyncArgs>();
    app.add_option("CLIP", a->clips,
                   "Clip(s): one with a sync pattern (beep/flash or 2-pop), or, with --audio, "
                   "camera clips to sync to separately recorded sound")
        ->required();
    app.add_option("--audio", a->audio,
                   "External recording (WAV/BWF...) or a folder of sound rolls: find where each "
                   "clip's scratch audio sits in it (timecode first, then correlation)");
    app.add_option("-o,--output", a->output,
                   "With --audio: write the clip with the recording laid in at the found offset "
                   "(picture copied, not re-encoded); a folder when several clips are synced");
    app.add_flag("--keep-scratch", a->keep_scratch,
                 "With -o: keep the clip's own sound as further audio streams");
    app.add_option("--json", a->json, "Write the result as JSON (cinepipe.sync/1)");
    app.add_option("--early-ms", a->early_ms,
                   "Audio may lead the picture by this much (EBU R37: 40)")
        ->check(CLI::Range(0.0, 10000.0));
    app.add_option("--late-ms", a->late_ms, "Audio may lag the picture by this much (EBU R37: 60)")
        ->check(CLI::Range(0.0, 10000.0));
    app.add_option("--search", a->search, "Seconds of the head of the clip searched (default 120)")
        ->check(CLI::Range(1.0, 86400.0));
    app.add_option("--audio-stream", a->stream, "The clip's audio stream to use (0-based)")
        ->check(CLI::Range(0, 64));
    app.add_flag("--overwrite", a->overwrite, "Replace existing --json and -o files");
    return [a, &global] {
        a->measured = &global.measured;
        if (a->audio.empty() && a->clips.size() > 1)
            throw InputError(
                "a sync pattern is measured on one clip at a time; several clips "
                "are synced with --audio");
        if (a->audio.empty() && !a->output.empty())
            throw InputError("-o lays in external sound and needs --audio");
        std::optional<TextOutput> out;
        if (!a->json.empty()) out.emplace(a->json, a->overwrite);
        if (a->audio.empty()) return run_sync_pattern(*a, out);
        std::error_code ec;
        if (a->clips.size() > 1 || fs::is_directory(a->audio, ec)) return run_batch(*a, out);
        return run_dual_system(*a, out);
    };
}

}  // namespace cinepipe::cli
