// Per-frame costs of the engine's own stages: the synthetic source, pixel-format conversion
// on the way to each encoder, decoding through MediaReader, and the colour kernels (OCIO's
// exact CPU path against the lattice: portable, AVX2, and the fused YUV strip pass).

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cinepipe/color.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "lut3d.h"
#include "sample_cdl.h"

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
std::filesystem::path write_bench_cube() {
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
    return cube;
}

ColorPipeline bench_grade(const std::filesystem::path& cube, bool exact, bool with_cdl = false) {
    ColorOp op;
    op.kind = ColorOp::Kind::Lut;
    op.lut = cube.string();
    ColorPipeline p{{}, {op}, exact};
    if (with_cdl) p.ops.insert(p.ops.begin(), test::sample_cdl_op());
    return p;
}

// A float RGB frame graded in -> out: arg 0 exact OCIO, 1 the lattice; arg 2: CDL + LUT.
void BM_GradeLut33(benchmark::State& state) {
    const auto cube = write_bench_cube();
    const auto processor =
        ColorProcessor::create(bench_grade(cube, state.range(0) == 0, state.range(1) == 1));
    state.SetLabel(processor->fast_path().describe());
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
    state.counters["Mpix/s"] = benchmark::Counter(
        1920.0 * 1080.0 * double(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
    std::filesystem::remove(cube);
}
BENCHMARK(BM_GradeLut33)
    ->ArgNames({"fast", "cdl"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The tetrahedral kernel alone on 1080p planar float RGB: arg 0 portable, 1 AVX2.
void BM_LatticeKernel(benchmark::State& state) {
    lut::Lattice lattice;
    lattice.size = 33;
    lattice.nodes.resize(33 * 33 * 33 * 4);
    for (std::size_t i = 0; i < lattice.nodes.size(); ++i)
        lattice.nodes[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f;
    const int n = 1920 * 1080;
    std::vector<float> r(n), g(n), b(n), out(3 * static_cast<std::size_t>(n));
    // A graded picture's values, not a ramp: neighbours differ, as in real footage.
    for (int i = 0; i < n; ++i) {
        r[i] = static_cast<float>((i * 37) % 1021) / 1020.0f;
        g[i] = static_cast<float>((i * 53) % 1019) / 1018.0f;
        b[i] = static_cast<float>((i * 71) % 1013) / 1012.0f;
    }
    const bool avx2 = state.range(0) == 1;
    if (avx2 && !lut::avx2_available()) {
        state.SkipWithError("no AVX2 on this CPU");
        return;
    }
    for (auto _ : state) {
        if (avx2)
            lut::apply_avx2(lattice, r.data(), g.data(), b.data(), out.data(), out.data() + n,
                            out.data() + 2 * n, n, nullptr);
        else
            lut::apply_scalar(lattice, r.data(), g.data(), b.data(), out.data(), out.data() + n,
                              out.data() + 2 * n, n, nullptr);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["Mpix/s"] = benchmark::Counter(double(n) * double(state.iterations()) / 1e6,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LatticeKernel)
    ->ArgName("avx2")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One 4K 10-bit 4:2:2 frame graded (33^3 LUT): arg 0, the exact path as the colour node ran it
// before (swscale to float RGB, OCIO, swscale back); arg 1, the fused YUV strip pass.
void BM_Grade4kYuv422p10(benchmark::State& state) {
    const auto cube = write_bench_cube();
    // 0: swscale + OCIO, 1: the fused pass into a new frame, 2: the fused pass in place (a
    // colour node that holds the only reference to its input).
    const bool fast = state.range(0) >= 1;
    const bool in_place = state.range(0) == 2;
    const auto processor = ColorProcessor::create(bench_grade(cube, !fast));
    SyntheticOptions o;
    o.width = 3840;
    o.height = 2160;
    o.frames = 30;
    auto source = make_synthetic_source(o);
    FramePtr in;
    for (int i = 0; i < 30; ++i) in = source->next()->video;
    FramePool pool(in->format, in->width, in->height, 2);
    auto own = pool.acquire();  // for the in-place case: a private copy to grade repeatedly
    copy_frame_props(*in, *own);
    for (int p = 0; p < 3; ++p)
        for (int y = 0; y < in->plane_height(p); ++y)
            std::memcpy(own->mutable_plane(p) + y * own->stride[p],
                        in->plane(p) + y * in->stride[p], in->row_bytes(p));
    auto out = pool.acquire();
    ConverterOptions to_rgb;
    to_rgb.format = PixelFormat::Gbrpf32;
    to_rgb.width = in->width;
    to_rgb.height = in->height;
    FrameConverter rgb_converter(to_rgb);
    ConverterOptions back;
    back.format = in->format;
    back.width = in->width;
    back.height = in->height;
    back.range = in->tags.range;
    back.matrix = in->tags.matrix;
    FrameConverter yuv_converter(back);
    FramePool rgb_pool(PixelFormat::Gbrpf32, in->width, in->height, 2);
    for (auto _ : state) {
        if (in_place) {
            processor->apply_yuv(*own, *own);
        } else if (fast) {
            processor->apply_yuv(*in, *out);
        } else {
            const FramePtr rgb = rgb_converter.convert(in);
            auto graded = rgb_pool.acquire();
            copy_frame_props(*rgb, *graded);
            processor->apply(*rgb, *graded);
            benchmark::DoNotOptimize(yuv_converter.convert(graded));
        }
    }
    state.counters["fps"] =
        benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
    std::filesystem::remove(cube);
}
BENCHMARK(BM_Grade4kYuv422p10)
    ->ArgName("fused")
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace cinepipe
