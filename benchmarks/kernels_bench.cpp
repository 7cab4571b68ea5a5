// Per-frame costs of the engine's own stages at 1080p: the synthetic source, pixel-format
// conversion on the way to each encoder, and decoding through MediaReader.

#include <benchmark/benchmark.h>

#include <filesystem>

#include "cinepipe/frame_converter.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"

namespace cinepipe {
namespace {

SyntheticOptions hd(std::int64_t frames) {
    SyntheticOptions o;
    o.width = 1920;
    o.height = 1080;
    o.frames = frames;
    return o;
}

void BM_SyntheticFrame(benchmark::State& state) {
    auto source = make_synthetic_source(hd(1 << 30));
    for (auto _ : state) benchmark::DoNotOptimize(source->next());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SyntheticFrame)->Unit(benchmark::kMillisecond);

void BM_Convert(benchmark::State& state, PixelFormat to) {
    auto source = make_synthetic_source(hd(1));
    const FramePtr frame = source->next()->video;
    ConverterOptions o;
    o.format = to;
    o.width = 1920;
    o.height = 1080;
    FrameConverter converter(o);
    for (auto _ : state) benchmark::DoNotOptimize(converter.convert(frame));
    state.SetItemsProcessed(state.iterations());
    state.counters["Mpixel/s"] = benchmark::Counter(
        1920.0 * 1080 * double(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Convert, yuv422p10_to_yuv420p8_h264, PixelFormat::Yuv420p8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Convert, yuv422p10_to_rgb48_dpx, PixelFormat::Rgb48)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Convert, yuv422p10_to_gbrpf32_exr, PixelFormat::Gbrpf32)
    ->Unit(benchmark::kMillisecond);

void BM_DecodeProresHq(benchmark::State& state) {
    const auto path = std::filesystem::temp_directory_path() / "cinepipe-bench-prores-hq.mov";
    if (!std::filesystem::exists(path)) {
        auto source = make_synthetic_source(hd(48));
        WriterConfig cfg = writer_config_for(source->info(), path.string());
        cfg.video_codec = "prores_hq";
        CancelToken cancel;
        encode(*source, cfg, {}, cancel);
    }
    ReaderOptions options;
    options.decoder_threads = static_cast<int>(state.range(0));
    std::int64_t frames = 0;
    for (auto _ : state) {
        auto reader = MediaReader::open(path.string(), options);
        while (auto unit = reader->next()) frames += unit->video ? 1 : 0;
    }
    state.counters["fps"] = benchmark::Counter(double(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeProresHq)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cinepipe
