// Per-frame costs of the engine's own stages at 1080p: the synthetic source, pixel-format
// conversion on the way to each encoder, and decoding through MediaReader.

#include <benchmark/benchmark.h>

#include <filesystem>

#include <cmath>
#include <fstream>

#include "cinepipe/color.h"
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

// The grading kernel alone: a 33^3 .cube, tetrahedral, through the engine's ColorProcessor
// (OCIO's CPU path, in strips) on one 1080p float RGB frame, in Mpixel/s per thread.
void BM_GradeLut33(benchmark::State& state) {
    const auto cube = std::filesystem::temp_directory_path() / "cinepipe_bench_33.cube";
    {
        std::ofstream out(cube);
        constexpr int n = 33;
        out << "LUT_3D_SIZE " << n << "\n";
        for (int b = 0; b < n; ++b)
            for (int g = 0; g < n; ++g)
                for (int r = 0; r < n; ++r) {
                    const double R = r / 32.0, G = g / 32.0, B = b / 32.0;
                    out << std::pow(0.8 * R + 0.2 * G, 0.9) << " " << (0.1 * R + 0.8 * G + 0.1 * B)
                        << " " << std::sqrt(0.3 * G + 0.7 * B) << "\n";
                }
    }
    ColorOp op;
    op.kind = ColorOp::Kind::Lut;
    op.lut = cube.string();
    const auto processor = ColorProcessor::create({{}, {op}});
    auto source = make_synthetic_source(hd(1));
    ConverterOptions o;
    o.format = PixelFormat::Gbrpf32;
    o.width = 1920;
    o.height = 1080;
    FrameConverter converter(o);
    const FramePtr in = converter.convert(source->next()->video);
    FramePool pool(PixelFormat::Gbrpf32, 1920, 1080, 2);
    auto out = pool.acquire();
    for (auto _ : state) processor->apply(*in, *out);
    state.counters["Mpix/s"] =
        benchmark::Counter(1920.0 * 1080.0 * double(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
    std::filesystem::remove(cube);
}
BENCHMARK(BM_GradeLut33)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cinepipe
