// `cinepipe sync VIDEO`: lip-sync from a beep/flash or 2-pop, against EBU R37's window.

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "cinepipe/av_sync.h"
#include "cinepipe/dual_system.h"
#include "cinepipe/error.h"
#include "cinepipe/output_file.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

struct SyncArgs {
    std::string video;
    std::string audio;
    std::string json;
    double early_ms = 40;  // EBU R37: audio no more than 40 ms early
    double late_ms = 60;   // ... and no more than 60 ms late
    double search = 120;
    int stream = 0;
    bool overwrite = false;
};

}  // namespace

Runner add_sync(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<SyncArgs>();
    app.add_option("VIDEO", a->video, "Clip with a sync pattern (beep/flash or 2-pop)")->required();
    app.add_option("--audio", a->audio,
                   "External recording (WAV/BWF...): find where the clip's scratch audio sits in it");
    app.add_option("--json", a->json, "Write the result as JSON (cinepipe.sync/1)");
    app.add_option("--early-ms", a->early_ms, "Audio may lead the picture by this much (EBU R37: 40)")
        ->check(CLI::Range(0.0, 10000.0));
    app.add_option("--late-ms", a->late_ms, "Audio may lag the picture by this much (EBU R37: 60)")
        ->check(CLI::Range(0.0, 10000.0));
    app.add_option("--search", a->search, "Seconds of the head of the clip searched (default 120)")
        ->check(CLI::Range(1.0, 86400.0));
    app.add_option("--audio-stream", a->stream, "Audio stream with the tone (0-based)")
        ->check(CLI::Range(0, 64));
    app.add_flag("--overwrite", a->overwrite, "Replace an existing --json file");
    return [a, &global] {
        std::optional<TextOutput> out;
        if (!a->json.empty()) out.emplace(a->json, a->overwrite);
        if (!a->audio.empty()) {
            DualSystemOptions ds;
            ds.audio_stream = a->stream;
            const DualSystemResult d = align_dual_system(a->video, a->audio, ds, interrupt_token());
            if (out) {
                nlohmann::json j = {{"schema", "cinepipe.sync/1"},
                                          {"mode", "dual_system"},
                                          {"input", a->video},
                                          {"external", a->audio},
                                          {"offset_ms", std::round(d.offset_ms * 1000) / 1000},
                                          {"offset_samples", d.offset_samples},
                                          {"external_rate", d.external_rate},
                                          {"confidence", std::round(d.confidence * 1000) / 1000},
                                          {"drift_ppm", std::round(d.drift_ppm * 100) / 100},
                                          {"drift_windows", d.drift_windows}};
                if (d.has_timecode_offset) {
                    j["timecode_offset_ms"] = std::round(d.timecode_offset_ms * 1000) / 1000;
                    j["timecode_agrees"] = d.timecode_agrees;
                }
                out->write(j.dump(1) + "\n");
                out->close();
                out->commit();
            }
            std::printf("%s\n", fmt::format("{}: offset_ms {:+.3f} ({} samples at {} Hz) in {}, confidence "
                                            "{:.2f}, drift {:+.1f} ppm over {} windows",
                                            a->video, d.offset_ms, d.offset_samples, d.external_rate,
                                            a->audio, d.confidence, d.drift_ppm, d.drift_windows)
                                    .c_str());
            if (d.has_timecode_offset)
                std::printf("%s\n", fmt::format("timecode says {:+.3f} ms: {}", d.timecode_offset_ms,
                                                d.timecode_agrees ? "agrees with the sound"
                                                                  : "DISAGREES with the sound")
                                        .c_str());
            return static_cast<int>(kOk);
        }
        AvSyncOptions options;
        options.search_seconds = a->search;
        options.audio_stream = a->stream;
        const AvSyncResult r = measure_av_sync(a->video, options, interrupt_token());
        const bool inside = r.found && r.av_offset_ms >= -a->early_ms && r.av_offset_ms <= a->late_ms;
        if (out) {
            nlohmann::json j = {{"schema", "cinepipe.sync/1"},
                                {"input", a->video},
                                {"found", r.found},
                                {"message", r.message},
                                {"window", {{"early_ms", a->early_ms}, {"late_ms", a->late_ms}}}};
            if (r.found) {
                j["pattern"] = r.pattern;
                j["video_frame"] = r.video_frame;
                j["video_time"] = r.video_time;
                j["audio_time"] = r.audio_time;
                j["av_offset_ms"] = std::round(r.av_offset_ms * 100) / 100;
                j["tone_hz"] = std::round(r.tone_hz);
                j["confidence"] = std::round(r.confidence * 1000) / 1000;
                j["verdict"] = inside ? "pass" : "fail";
            }
            out->write(j.dump(1) + "\n");
            out->close();
            out->commit();
        }
        if (!r.found) throw InputError(a->video + ": " + r.message);
        (void)global;
        std::printf("%s\n",
                    fmt::format("{}: av_offset_ms {:+.2f} ({}), {} at frame {}, confidence {:.2f}: {}",
                                a->video, r.av_offset_ms,
                                r.av_offset_ms >= 0 ? "audio late" : "audio early", r.pattern,
                                r.video_frame, r.confidence,
                                inside ? "in sync" : fmt::format("OUT OF SYNC (window -{:g}..+{:g} ms)",
                                                                 a->early_ms, a->late_ms))
                        .c_str());
        return inside ? static_cast<int>(kOk) : static_cast<int>(kChecksFailed);
    };
}

}  // namespace cinepipe::cli
