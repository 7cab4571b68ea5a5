// The plugin host: loading the example plugins (vignette in C, grain in C++) and the broken
// test plugins (tests/plugins) into a FilterRegistry, and running plugin filters as nodes.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cinepipe/error.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/frame.h"
#include "cinepipe/node.h"
#include "cinepipe/params.h"
#include "cinepipe/plugin_host.h"
#include "test_support.h"

namespace cinepipe {
namespace {

const std::string kExampleDir = CINEPIPE_EXAMPLE_PLUGIN_DIR;

std::string test_plugin_dir(const std::string& name) {
    return std::string(CINEPIPE_TEST_PLUGIN_DIR) + "/" + name;
}
std::string test_plugin_file(const std::string& name) {
    return test_plugin_dir(name) + "/" + name + ".so";
}

constexpr int kWidth = 64;
constexpr int kHeight = 36;

StreamDesc stream(PixelFormat format, int width = kWidth, int height = kHeight) {
    StreamDesc d;
    d.format = format;
    d.width = width;
    d.height = height;
    return d;
}

std::uint16_t* px16(VideoFrame& f, int x, int y) {
    const int channels = f.format == PixelFormat::Rgba64 ? 4 : 3;
    return reinterpret_cast<std::uint16_t*>(f.data[0] + y * f.stride[0]) + channels * x;
}
const std::uint16_t* px16(const VideoFrame& f, int x, int y) {
    const int channels = f.format == PixelFormat::Rgba64 ? 4 : 3;
    return reinterpret_cast<const std::uint16_t*>(f.data[0] + y * f.stride[0]) + channels * x;
}
float pxf(const VideoFrame& f, int plane, int x, int y) {
    return reinterpret_cast<const float*>(f.data[static_cast<std::size_t>(plane)] +
                                          y * f.stride[static_cast<std::size_t>(plane)])[x];
}

// A frame at 24 fps whose timecode starts at 01:00:00:00; `value(x, y, channel)` fills it.
template <typename Fill>
FramePtr make_frame(FramePool& pool, std::int64_t index, Fill value) {
    auto f = pool.acquire();
    f->index = index;
    f->pts = index;
    f->time_base = {1, 24};
    f->duration = 1;
    f->timecode = Timecode({24, 1}, false, 86400 + index);
    const auto& fi = info(f->format);
    for (int y = 0; y < f->height; ++y)
        for (int x = 0; x < f->width; ++x) {
            if (fi.sample == SampleType::U16) {
                auto* p = px16(*f, x, y);
                for (int c = 0; c < fi.components; ++c)
                    p[c] = static_cast<std::uint16_t>(value(x, y, c));
            } else {
                for (int p = 0; p < fi.planes; ++p)
                    reinterpret_cast<float*>(f->data[static_cast<std::size_t>(p)] +
                                             y * f->stride[static_cast<std::size_t>(p)])[x] =
                        static_cast<float>(value(x, y, p));
            }
        }
    return f;
}

bool same_pixels(const VideoFrame& a, const VideoFrame& b) {
    if (a.format != b.format || a.width != b.width || a.height != b.height) return false;
    for (int p = 0; p < info(a.format).planes; ++p)
        for (int y = 0; y < a.height; ++y)
            if (std::memcmp(a.plane(p) + y * a.stride[static_cast<std::size_t>(p)],
                            b.plane(p) + y * b.stride[static_cast<std::size_t>(p)],
                            a.row_bytes(p)) != 0)
                return false;
    return true;
}

FilterRegistry examples() {
    FilterRegistry registry;
    load_plugins(registry, {kExampleDir});
    return registry;
}

// A configured node of filter `name` with the given parameters.
std::unique_ptr<Node> make_node(const FilterRegistry& registry, const std::string& name,
                                const std::map<std::string, RawValue>& raw, const StreamDesc& in,
                                NodeContext context = {}) {
    const FilterInfo* info = registry.find(name);
    if (!info) throw std::runtime_error("no filter " + name);
    context.id = name;
    auto node = info->create(validate_params(info->params, raw), context);
    const auto formats = node->accepted_formats(in);
    if (std::find(formats.begin(), formats.end(), in.format) == formats.end())
        throw std::runtime_error(name + " does not take " + to_string(in.format));
    const StreamDesc out = node->configure(in);
    EXPECT_EQ(out.format, in.format);
    EXPECT_EQ(out.width, in.width);
    EXPECT_EQ(out.height, in.height);
    return node;
}

// The InputError message of loading `dirs` into `registry` ("" if it loads).
std::string load_error(FilterRegistry& registry, const std::vector<std::string>& dirs) {
    try {
        load_plugins(registry, dirs);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

// Sets or clears an environment variable for one test and restores it afterwards.
class EnvGuard {
  public:
    EnvGuard(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvGuard() {
        if (old_)
            ::setenv(name_.c_str(), old_->c_str(), 1);
        else
            ::unsetenv(name_.c_str());
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

  private:
    std::string name_;
    std::optional<std::string> old_;
};

void expect_float_param(const FilterInfo& info, std::size_t i, const std::string& name, double def,
                        double min, double max) {
    ASSERT_LT(i, info.params.size());
    const ParamSpec& p = info.params[i];
    EXPECT_EQ(p.name, name);
    EXPECT_EQ(p.type, ParamType::Float);
    ASSERT_TRUE(p.default_value.has_value()) << name;
    EXPECT_DOUBLE_EQ(std::get<double>(*p.default_value), def) << name;
    EXPECT_DOUBLE_EQ(p.min, min) << name;
    EXPECT_DOUBLE_EQ(p.max, max) << name;
    EXPECT_FALSE(p.help.empty()) << name;
}

TEST(PluginHost, RegistersTheExampleFiltersWithTheirSchemas) {
    const FilterRegistry registry = examples();

    const FilterInfo* vignette = registry.find("vignette");
    ASSERT_NE(vignette, nullptr);
    EXPECT_EQ(vignette->kind, NodeKind::Transform);
    EXPECT_EQ(vignette->family, "plugin");
    EXPECT_EQ(vignette->version, "1.0");
    EXPECT_FALSE(vignette->help.empty());
    EXPECT_TRUE(vignette->thread_safe);
    EXPECT_FALSE(vignette->needs_in_order);
    EXPECT_EQ(vignette->origin, kExampleDir + "/vignette.so (cinepipe-vignette 1.0)");
    ASSERT_EQ(vignette->params.size(), 3u);
    expect_float_param(*vignette, 0, "strength", 0.5, 0.0, 1.0);
    expect_float_param(*vignette, 1, "radius", 0.9, 0.1, 2.0);
    expect_float_param(*vignette, 2, "softness", 0.5, 0.01, 1.0);

    const FilterInfo* grain = registry.find("grain");
    ASSERT_NE(grain, nullptr);
    EXPECT_EQ(grain->family, "plugin");
    EXPECT_TRUE(grain->thread_safe);
    EXPECT_NE(grain->origin.find("grain.so (cinepipe-grain 1.0)"), std::string::npos);
    ASSERT_EQ(grain->params.size(), 3u);
    expect_float_param(*grain, 0, "amount", 0.05, 0.0, 1.0);
    const ParamSpec& seed = grain->params[1];
    EXPECT_EQ(seed.name, "seed");
    EXPECT_EQ(seed.type, ParamType::Int);
    EXPECT_EQ(seed.default_value, ParamValue{std::int64_t{1}});
    EXPECT_EQ(seed.min, 0.0);
    EXPECT_EQ(seed.max, 2147483647.0);
    const ParamSpec& mono = grain->params[2];
    EXPECT_EQ(mono.name, "mono");
    EXPECT_EQ(mono.type, ParamType::Bool);
    EXPECT_EQ(mono.default_value, ParamValue{true});
    EXPECT_TRUE(std::isinf(mono.min) && std::isinf(mono.max));

    // The schema is enforced like a built-in's.
    EXPECT_THROW((void)validate_params(vignette->params, {{"strength", {"1.5"}}}),
                 std::invalid_argument);
    EXPECT_THROW((void)validate_params(grain->params, {{"seed", {"-1"}}}), std::invalid_argument);
    EXPECT_NO_THROW((void)validate_params(grain->params, {{"seed", {"2147483647"}}}));
}

TEST(PluginHost, VignetteKeepsTheCentreAndDarkensTheCorners) {
    const FilterRegistry registry = examples();
    const StreamDesc in = stream(PixelFormat::Rgba64);
    auto node = make_node(registry, "vignette", {}, in);
    EXPECT_EQ(
        node->accepted_formats(in),
        (std::vector<PixelFormat>{PixelFormat::Rgba64, PixelFormat::Rgb48, PixelFormat::Gbrpf32}));

    FramePool pool(PixelFormat::Rgba64, kWidth, kHeight, 2);
    const auto src = make_frame(pool, 7, [](int, int, int c) { return c == 3 ? 12345 : 32768; });
    const FramePtr out = node->process(src);
    ASSERT_NE(out, src);
    EXPECT_EQ(out->index, 7);
    EXPECT_EQ(out->pts, 7);
    EXPECT_EQ(out->timecode, src->timecode);

    // Relative distance r from the centre; defaults: untouched for r <= 0.4, half for r >= 0.9.
    const double half_diagonal = 0.5 * std::hypot(kWidth, kHeight);
    const auto expected = [&](int x, int y, double strength, double radius, double softness) {
        const double r =
            std::hypot(x + 0.5 - kWidth / 2.0, y + 0.5 - kHeight / 2.0) / half_diagonal;
        const double inner = radius - softness;
        double t = std::clamp((r - inner) / softness, 0.0, 1.0);
        t = t * t * (3 - 2 * t);
        return 32768.0 * (1.0 - strength * t);
    };
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            const auto* p = px16(*out, x, y);
            const double want = expected(x, y, 0.5, 0.9, 0.5);
            for (int c = 0; c < 3; ++c) ASSERT_NEAR(p[c], want, 1.0) << x << "," << y;
            ASSERT_EQ(p[3], 12345) << "alpha is untouched";
        }
    EXPECT_EQ(px16(*out, kWidth / 2, kHeight / 2)[0], 32768);  // the centre
    EXPECT_EQ(px16(*out, 0, 0)[1], 16384);                     // a corner: 1 - strength
    EXPECT_EQ(px16(*out, kWidth - 1, kHeight - 1)[2], 16384);
    // The input is not modified.
    EXPECT_EQ(px16(*src, 0, 0)[0], 32768);

    // Other parameters: strength 1 with a radius beyond the corners leaves them lighter.
    auto soft = make_node(registry, "vignette",
                          {{"strength", {"1"}}, {"radius", {"1.2"}}, {"softness", {"0.6"}}}, in);
    const FramePtr out2 = soft->process(src);
    const double corner = expected(0, 0, 1.0, 1.2, 0.6);
    EXPECT_GT(corner, 1000.0);
    EXPECT_LT(corner, 32000.0);
    EXPECT_NEAR(px16(*out2, 0, 0)[0], corner, 1.0);

    // The float path gives the same gains.
    auto fnode = make_node(registry, "vignette", {}, stream(PixelFormat::Gbrpf32));
    FramePool fpool(PixelFormat::Gbrpf32, kWidth, kHeight, 1);
    const FramePtr fout = fnode->process(make_frame(fpool, 0, [](int, int, int) { return 0.5; }));
    EXPECT_FLOAT_EQ(pxf(*fout, 0, kWidth / 2, kHeight / 2), 0.5f);
    EXPECT_FLOAT_EQ(pxf(*fout, 2, 0, 0), 0.25f);
}

TEST(PluginHost, GrainIsDeterministicWhateverTheOrderOrThreads) {
    const FilterRegistry registry = examples();
    const StreamDesc in = stream(PixelFormat::Rgba64);
    FramePool pool(PixelFormat::Rgba64, kWidth, kHeight, 8);
    std::vector<FramePtr> sources;
    for (int i = 0; i < 8; ++i)
        sources.push_back(make_frame(pool, i, [](int x, int y, int c) {
            return c == 3 ? 65535 : 20000 + 300 * x + 200 * y;
        }));

    auto node = make_node(registry, "grain", {}, in);
    const FramePtr a = node->process(sources[0]);
    const FramePtr b = node->process(sources[0]);
    EXPECT_TRUE(same_pixels(*a, *b)) << "the same frame twice";
    EXPECT_FALSE(same_pixels(*a, *sources[0])) << "grain was added";
    auto again = make_node(registry, "grain", {}, in);
    EXPECT_TRUE(same_pixels(*a, *again->process(sources[0]))) << "another instance";
    auto seeded = make_node(registry, "grain", {{"seed", {"2"}}}, in);
    EXPECT_FALSE(same_pixels(*a, *seeded->process(sources[0]))) << "another seed";
    EXPECT_FALSE(same_pixels(*a, *node->process(sources[1]))) << "another frame";

    // Mono grain: the same offset in R, G and B; alpha untouched; about `amount` deviation.
    double sum2 = 0;
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            const auto* s = px16(*sources[0], x, y);
            const auto* p = px16(*a, x, y);
            ASSERT_EQ(p[0], p[1]);
            ASSERT_EQ(p[1], p[2]);
            ASSERT_EQ(p[3], 65535);
            const double d = (double(p[0]) - s[0]) / 65535.0;
            sum2 += d * d;
        }
    const double deviation = std::sqrt(sum2 / (kWidth * kHeight));
    EXPECT_NEAR(deviation, 0.05, 0.005);
    auto colour = make_node(registry, "grain", {{"mono", {"false"}}}, in);
    const FramePtr c = colour->process(sources[0]);
    int differing = 0;
    for (int x = 0; x < kWidth; ++x) differing += px16(*c, x, 0)[0] != px16(*c, x, 0)[1];
    EXPECT_GT(differing, kWidth / 2) << "colour grain differs per channel";

    // Parallel and out of order gives the same frames as sequential.
    std::vector<FramePtr> sequential;
    for (const auto& s : sources) sequential.push_back(again->process(s));
    NodeContext context;
    context.pool_size = 8;
    auto parallel_node = make_node(registry, "grain", {}, in, context);
    std::vector<FramePtr> parallel(sources.size());
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
        threads.emplace_back([&, t] {
            for (int i = 7 - t; i >= 0; i -= 2)
                parallel[static_cast<std::size_t>(i)] =
                    parallel_node->process(sources[static_cast<std::size_t>(i)]);
        });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < sources.size(); ++i) {
        ASSERT_NE(parallel[i], nullptr);
        EXPECT_TRUE(same_pixels(*sequential[i], *parallel[i])) << "frame " << i;
        EXPECT_EQ(parallel[i]->index, static_cast<std::int64_t>(i));
    }

    // The grain is a property of the picture, not of the pixel format: the float path adds
    // the same grain (per R, G, B channel) as the 16-bit one.
    auto int_node = make_node(registry, "grain", {{"mono", {"false"}}}, stream(PixelFormat::Rgb48));
    auto float_node =
        make_node(registry, "grain", {{"mono", {"false"}}}, stream(PixelFormat::Gbrpf32));
    FramePool ipool(PixelFormat::Rgb48, kWidth, kHeight, 1);
    FramePool fpool(PixelFormat::Gbrpf32, kWidth, kHeight, 1);
    const FramePtr iout =
        int_node->process(make_frame(ipool, 5, [](int, int, int) { return 32768; }));
    const FramePtr fout =
        float_node->process(make_frame(fpool, 5, [](int, int, int) { return 32768 / 65535.0; }));
    for (int x = 0; x < kWidth; ++x) {
        const auto* p = px16(*iout, x, 3);
        EXPECT_NEAR(pxf(*fout, 2, x, 3) * 65535.0, p[0], 1.0);  // R
        EXPECT_NEAR(pxf(*fout, 0, x, 3) * 65535.0, p[1], 1.0);  // G
        EXPECT_NEAR(pxf(*fout, 1, x, 3) * 65535.0, p[2], 1.0);  // B
    }
}

struct Broken {
    std::string name;
    std::string reason;  // the message after the plugin file
};

class BrokenPlugin : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenPlugin, IsRefusedWithAOneLineReasonNamingTheFile) {
    FilterRegistry registry;
    const std::string message = load_error(registry, {test_plugin_dir(GetParam().name)});
    EXPECT_EQ(message, test_plugin_file(GetParam().name) + GetParam().reason);
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_TRUE(registry.list().empty()) << "nothing of a refused plugin is registered";
}

INSTANTIATE_TEST_SUITE_P(
    PluginHost, BrokenPlugin,
    ::testing::Values(
        Broken{"wrong_version", " was built for plugin API 999; this cinepipe supports 1"},
        Broken{"no_entry", " is not a cinepipe plugin: it exports no cinepipe_plugin_entry"},
        Broken{"null_entry",
               " is not a usable cinepipe plugin: cinepipe_plugin_entry returned NULL"},
        Broken{"bad_name",
               ": filter 'Bad-Name' has an invalid name (use lower case letters, digits and _)"},
        Broken{"bad_format",
               ": filter 'bad_format' lists pixel format 42, which this cinepipe does not know "
               "(1-4: rgb48, rgba64, gbrpf32, gbrapf32)"},
        Broken{"bad_param",
               ": filter 'bad_param': parameter 'level' has default 2 outside its range 0..1"}),
    [](const ::testing::TestParamInfo<Broken>& info) { return info.param.name; });

TEST(PluginHost, RefusesWhatIsNotALoadableLibraryOrAMissingFolder) {
    test::TempDir dir;
    std::ofstream(dir / "junk.so") << "not an ELF file\n";
    FilterRegistry registry;
    const std::string message = load_error(registry, {dir.path().string()});
    EXPECT_EQ(message.rfind("cannot load plugin " + dir / "junk.so" + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);

    EXPECT_EQ(load_error(registry, {dir / "missing"}),
              "plugin folder " + dir / "missing" + " does not exist");

    // Files without the .so suffix in a folder are not plugins.
    test::TempDir other;
    std::ofstream(other / "README.txt") << "notes\n";
    EXPECT_EQ(load_error(registry, {other.path().string()}), "");
    EXPECT_TRUE(registry.list().empty());
}

TEST(PluginHost, LoadsAFileNamedInsteadOfAFolderAndEachFileOnce) {
    FilterRegistry registry;
    load_plugins(registry, {kExampleDir + "/vignette.so"});
    ASSERT_EQ(registry.list().size(), 1u);
    EXPECT_EQ(registry.list()[0]->name, "vignette");
    // The same folder twice (--plugin-path and CINEPIPE_PLUGIN_PATH) is not a clash.
    FilterRegistry twice;
    EXPECT_NO_THROW(
        load_plugins(twice, {kExampleDir, kExampleDir + "/", kExampleDir + "/grain.so"}));
    EXPECT_EQ(twice.list().size(), 2u);
}

TEST(PluginHost, RefusesANameThatIsAlreadyRegistered) {
    // A plugin may not replace a built-in filter.
    FilterRegistry registry;
    FilterInfo scale;
    scale.name = "scale";
    scale.create = [](const ParamSet&, const NodeContext&) -> std::unique_ptr<Node> {
        return nullptr;
    };
    registry.add(scale);
    EXPECT_EQ(load_error(registry, {test_plugin_dir("duplicate")}),
              test_plugin_file("duplicate") + ": filter 'scale' has the name of a built-in filter");
    EXPECT_EQ(registry.list().size(), 1u);

    // Nor another plugin's filter: a copy of vignette.so under another name.
    test::TempDir dir;
    std::filesystem::copy_file(kExampleDir + "/vignette.so", dir / "copy.so");
    FilterRegistry both = examples();
    EXPECT_EQ(load_error(both, {dir.path().string()}),
              dir / "copy.so" + ": filter 'vignette' is already registered by " + kExampleDir +
                  "/vignette.so (cinepipe-vignette 1.0)");
    EXPECT_EQ(both.find("vignette")->origin, kExampleDir + "/vignette.so (cinepipe-vignette 1.0)");
}

TEST(PluginHost, ACreateFailureIsAnInputErrorNamingTheFilterAndFile) {
    FilterRegistry registry;
    load_plugins(registry, {test_plugin_dir("bad_create")});
    const FilterInfo* info = registry.find("bad_create");
    ASSERT_NE(info, nullptr);
    auto node = info->create(validate_params(info->params, {}), NodeContext{});
    const StreamDesc in = stream(PixelFormat::Rgba64);
    ASSERT_EQ(node->accepted_formats(in), std::vector<PixelFormat>{PixelFormat::Rgba64});
    try {
        node->configure(in);
        FAIL() << "configure() should have thrown";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "plugin filter 'bad_create' (" +
                                             test_plugin_file("bad_create") +
                                             "): mode 'bad' cannot work on a 64x36 picture");
    }
    // The choice value reaches create() as a string: "good" is accepted.
    EXPECT_NO_THROW(make_node(registry, "bad_create", {{"mode", {"good"}}}, in));
    // A format the filter does not list is refused by configure().
    auto other = info->create(validate_params(info->params, {{"mode", {"good"}}}), NodeContext{});
    EXPECT_THROW(other->configure(stream(PixelFormat::Rgb48)), InputError);
}

TEST(PluginHost, AProcessFailureIsAFilterErrorNamingThePluginAndFrame) {
    FilterRegistry registry;
    load_plugins(registry, {test_plugin_dir("failing")});
    const FilterInfo* info = registry.find("failing");
    ASSERT_NE(info, nullptr);
    EXPECT_FALSE(info->thread_safe);
    const StreamDesc in = stream(PixelFormat::Rgba64);
    FramePool pool(PixelFormat::Rgba64, kWidth, kHeight, 6);
    std::vector<FramePtr> frames;
    for (int i = 0; i < 6; ++i)
        frames.push_back(make_frame(pool, i, [i](int x, int y, int c) { return x + y + c + i; }));

    auto node = make_node(registry, "failing", {}, in);  // fail_at defaults to 3
    for (int i = 0; i < 6; ++i) {
        const auto& f = frames[static_cast<std::size_t>(i)];
        if (i != 3) {
            const FramePtr out = node->process(f);
            EXPECT_TRUE(same_pixels(*out, *f)) << "frame " << i;
            EXPECT_EQ(out->timecode, f->timecode);
            continue;
        }
        try {
            (void)node->process(f);
            FAIL() << "frame 3 should fail";
        } catch (const FilterError& e) {
            EXPECT_EQ(std::string(e.what()),
                      "plugin filter 'failing' (" + test_plugin_file("failing") +
                          ") failed on frame 3: simulated failure at frame 3 (timecode "
                          "01:00:00:03, 0.125 s)");
        }
    }
    auto early = make_node(registry, "failing", {{"fail_at", {"1"}}}, in);
    EXPECT_NO_THROW((void)early->process(frames[0]));
    EXPECT_THROW((void)early->process(frames[1]), FilterError);
    EXPECT_NO_THROW((void)early->process(frames[3]));
}

TEST(PluginHost, AFrameUnlikeTheConfiguredOneIsAFilterErrorNamingThePlugin) {
    const FilterRegistry registry = examples();
    auto node = make_node(registry, "vignette", {}, stream(PixelFormat::Rgba64));
    FramePool small(PixelFormat::Rgba64, kWidth / 2, kHeight / 2, 1);
    try {
        (void)node->process(make_frame(small, 4, [](int, int, int) { return 0; }));
        FAIL() << "a frame of another size should be refused";
    } catch (const FilterError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "plugin filter 'vignette' (" + kExampleDir +
                      "/vignette.so) failed on frame 4: it was configured for rgba64 64x36, got "
                      "a rgba64 32x18 frame");
    }
    FramePool other(PixelFormat::Rgb48, kWidth, kHeight, 1);
    EXPECT_THROW((void)node->process(make_frame(other, 0, [](int, int, int) { return 0; })),
                 FilterError);
}

TEST(PluginHost, LoadsAPluginWhoseStructsGainedTrailingFields) {
    // struct_size and param_spec_size larger than API 1's: both arrays are walked with the
    // plugin's own strides, and fields the host does not know are ignored.
    FilterRegistry registry;
    load_plugins(registry, {test_plugin_dir("future_sizes")});
    ASSERT_EQ(registry.list().size(), 2u);
    for (const char* name : {"future_one", "future_two"}) {
        const FilterInfo* info = registry.find(name);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(info->origin, test_plugin_file("future_sizes") + " (future-sizes 1.0)");
        ASSERT_EQ(info->params.size(), 2u) << name;
        expect_float_param(*info, 0, "gain", 0.25, 0.0, 1.0);
        const ParamSpec& level = info->params[1];
        EXPECT_EQ(level.name, "level");
        EXPECT_EQ(level.type, ParamType::Int);
        EXPECT_EQ(level.default_value, ParamValue{std::int64_t{7}});
        EXPECT_EQ(level.min, 1.0);
        EXPECT_EQ(level.max, 10.0);
    }
    EXPECT_EQ(registry.find("future_one")->version, "1.1");
    EXPECT_EQ(registry.find("future_two")->version, "1.2");

    auto node = make_node(registry, "future_two", {}, stream(PixelFormat::Rgba64));
    FramePool pool(PixelFormat::Rgba64, kWidth, kHeight, 1);
    const auto src = make_frame(pool, 0, [](int x, int y, int c) { return x * y + c; });
    EXPECT_TRUE(same_pixels(*node->process(src), *src));
}

TEST(PluginHost, RefusesAParameterSchemaWithoutAStride) {
    FilterRegistry registry;
    const std::string message = load_error(registry, {test_plugin_dir("bad_param_size")});
    const std::string head = test_plugin_file("bad_param_size") +
                             ": filter 'bad_param_size': its parameter descriptor is 0 bytes "
                             "(param_spec_size), smaller than the ";
    EXPECT_EQ(message.rfind(head, 0), 0u) << message;
    const std::string tail = " of plugin API 1";
    ASSERT_GE(message.size(), head.size() + tail.size()) << message;
    EXPECT_EQ(message.substr(message.size() - tail.size()), tail) << message;
    EXPECT_TRUE(registry.list().empty());
}

TEST(PluginHost, ANodeKeepsItsLibraryLoadedAfterTheRegistryIsGone) {
    std::unique_ptr<Node> node;
    {
        const FilterRegistry registry = examples();
        node = make_node(registry, "vignette", {}, stream(PixelFormat::Rgba64));
    }
    FramePool pool(PixelFormat::Rgba64, kWidth, kHeight, 1);
    const FramePtr out = node->process(make_frame(pool, 0, [](int, int, int) { return 40000; }));
    EXPECT_EQ(px16(*out, kWidth / 2, kHeight / 2)[0], 40000);
    node.reset();  // destroy() runs while the library is still mapped
}

TEST(PluginHost, SearchPathIsCommandLineFirstThenTheEnvironment) {
    {
        EnvGuard env("CINEPIPE_PLUGIN_PATH", "/env/a::/env/b:");
        EXPECT_EQ(plugin_search_path({"/cli/x", "/cli/y"}),
                  (std::vector<std::string>{"/cli/x", "/cli/y", "/env/a", "/env/b"}));
        EXPECT_EQ(plugin_search_path({}), (std::vector<std::string>{"/env/a", "/env/b"}));
    }
    {
        EnvGuard env("CINEPIPE_PLUGIN_PATH", nullptr);
        EXPECT_EQ(plugin_search_path({"/cli/x"}), std::vector<std::string>{"/cli/x"});
        EXPECT_TRUE(plugin_search_path({}).empty());
    }
    {
        EnvGuard env("CINEPIPE_PLUGIN_PATH", "");
        EXPECT_TRUE(plugin_search_path({}).empty());
    }
    // The search path feeds the loader.
    EnvGuard env("CINEPIPE_PLUGIN_PATH", kExampleDir.c_str());
    FilterRegistry registry;
    load_plugins(registry, plugin_search_path({test_plugin_dir("failing")}));
    EXPECT_NE(registry.find("failing"), nullptr);
    EXPECT_NE(registry.find("vignette"), nullptr);
    EXPECT_NE(registry.find("grain"), nullptr);
}

}  // namespace
}  // namespace cinepipe
