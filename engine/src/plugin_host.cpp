#include "cinepipe/plugin_host.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "cinepipe/error.h"
#include "cinepipe/plugin_api.h"
#include "plugin_watch.h"

namespace cinepipe {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kErrSize = 1024;  // the message buffer handed to every callback

// The structs a plugin hands the host, exactly as plugin API 1 defines them. A plugin reports
// the size it was built with (struct_size, param_spec_size); the host accepts any size at
// least the API-1 one, never sizeof of its own (possibly grown) header structs, so plugins
// built against API 1 keep loading after fields are appended. Never edit these: when a
// header struct grows, its static_assert below becomes `>`.
namespace api1 {
using Callback = void (*)();
struct PluginDesc {
    std::uint32_t api_version;
    std::uint32_t struct_size;
    const char* name;
    const char* version;
    const void* filters;
    std::uint32_t filter_count;
};
struct FilterDesc {
    std::uint32_t struct_size;
    const char* name;
    const char* version;
    const char* help;
    std::uint32_t flags;
    const void* params;
    std::uint32_t param_count;
    std::uint32_t param_spec_size;
    const std::int32_t* formats;
    std::uint32_t format_count;
    Callback create;
    Callback process;
    Callback destroy;
};
struct ParamSpec {
    const char* name;
    std::int32_t type;
    const char* help;
    std::int32_t required;
    double default_number;
    const char* default_string;
    double min;
    double max;
    const char* const* choices;
};
}  // namespace api1

constexpr std::size_t kApi1PluginDescSize = sizeof(api1::PluginDesc);
constexpr std::size_t kApi1FilterDescSize = sizeof(api1::FilterDesc);
constexpr std::size_t kApi1ParamSpecSize = sizeof(api1::ParamSpec);
static_assert(sizeof(cp_plugin_desc) == kApi1PluginDescSize &&
                  alignof(cp_plugin_desc) == alignof(api1::PluginDesc),
              "cp_plugin_desc differs from API 1");
static_assert(sizeof(cp_filter_desc) == kApi1FilterDescSize &&
                  alignof(cp_filter_desc) == alignof(api1::FilterDesc),
              "cp_filter_desc differs from API 1");
static_assert(sizeof(cp_param_spec) == kApi1ParamSpecSize &&
                  alignof(cp_param_spec) == alignof(api1::ParamSpec),
              "cp_param_spec differs from API 1");

// A dlopen'ed library, closed when the last filter info or node made from it is gone.
class Library {
  public:
    explicit Library(std::string path) : path_(std::move(path)) {
        ::dlerror();
        handle_ = ::dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle_) {
            const char* e = ::dlerror();
            std::string reason = e ? e : "unknown dlopen error";
            // dlerror() usually starts with the file name; say it once.
            if (reason.rfind(path_ + ": ", 0) == 0) reason.erase(0, path_.size() + 2);
            throw InputError(fmt::format("cannot load plugin {}: {}", path_, reason));
        }
    }
    ~Library() {
        if (handle_) ::dlclose(handle_);
    }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    [[nodiscard]] void* symbol(const char* name) const {
        ::dlerror();
        return ::dlsym(handle_, name);
    }
    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    std::string path_;
    void* handle_ = nullptr;
};

// Entry `i` of a filter's schema. The array is walked with the plugin's own param_spec_size as
// the stride (checked at load time), so entries built with appended fields still read right.
const cp_param_spec& param_spec(const cp_filter_desc& d, std::uint32_t i) {
    const auto* base = reinterpret_cast<const unsigned char*>(d.params);
    return *reinterpret_cast<const cp_param_spec*>(base + std::size_t{i} * d.param_spec_size);
}

// One filter of a loaded plugin: what every node made from it shares.
struct PluginFilter {
    std::shared_ptr<const Library> library;  // keeps `desc` and the callbacks mapped
    const cp_filter_desc* desc = nullptr;
    std::string name;
    std::string file;
    std::vector<PixelFormat> formats;  // best first
    bool serial = false;               // not thread-safe (or needs order): one call at a time
    std::string label_text;            // "plugin filter 'name' (file)", for every message

    [[nodiscard]] const std::string& label() const { return label_text; }
};

std::optional<PixelFormat> from_cp(std::int32_t code) {
    switch (code) {
        case CP_PIXEL_RGB48:
            return PixelFormat::Rgb48;
        case CP_PIXEL_RGBA64:
            return PixelFormat::Rgba64;
        case CP_PIXEL_GBRPF32:
            return PixelFormat::Gbrpf32;
        case CP_PIXEL_GBRAPF32:
            return PixelFormat::Gbrapf32;
        default:
            return std::nullopt;
    }
}

std::int32_t to_cp(PixelFormat format) {
    switch (format) {
        case PixelFormat::Rgb48:
            return CP_PIXEL_RGB48;
        case PixelFormat::Rgba64:
            return CP_PIXEL_RGBA64;
        case PixelFormat::Gbrpf32:
            return CP_PIXEL_GBRPF32;
        case PixelFormat::Gbrapf32:
            return CP_PIXEL_GBRAPF32;
        default:
            return 0;
    }
}

// A view of `frame`: read-only (cp_const_image) of a const frame, writable (cp_image) of one
// the node owns.
template <typename Image, typename Frame>
Image view(Frame& frame) {
    Image image{};
    for (int p = 0; p < info(frame.format).planes; ++p) {
        const auto i = static_cast<std::size_t>(p);
        if constexpr (std::is_const_v<Frame>)
            image.data[i] = frame.plane(p);
        else
            image.data[i] = frame.mutable_plane(p);
        image.stride[i] = frame.stride[i];
    }
    image.width = frame.width;
    image.height = frame.height;
    image.format = to_cp(frame.format);
    return image;
}

// The message a plugin wrote, forced to end inside the buffer.
std::string message(std::array<char, kErrSize>& err, const char* fallback) {
    err.back() = '\0';
    std::string text(err.data());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    for (auto& c : text)
        if (c == '\n' || c == '\r') c = ' ';  // errors are one line
    return text.empty() ? fallback : text;
}

std::string join(const std::vector<PixelFormat>& formats) {
    std::string out;
    for (auto f : formats) out += (out.empty() ? "" : ", ") + std::string(to_string(f));
    return out;
}

// The graph node of a plugin filter: hands frames to the plugin as image views.
class PluginNode final : public Node {
  public:
    PluginNode(std::shared_ptr<const PluginFilter> filter, ParamSet params, std::size_t pool_size)
        : filter_(std::move(filter)), params_(std::move(params)), pool_size_(pool_size) {}
    ~PluginNode() override { release(); }
    PluginNode(const PluginNode&) = delete;
    PluginNode& operator=(const PluginNode&) = delete;

    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override {
        (void)in;
        return filter_->formats;
    }

    StreamDesc configure(const StreamDesc& in) override {
        if (std::find(filter_->formats.begin(), filter_->formats.end(), in.format) ==
            filter_->formats.end())
            throw InputError(fmt::format("{}: cannot take {} frames (it takes {})",
                                         filter_->label(), to_string(in.format),
                                         join(filter_->formats)));
        // Values in schema order; strings point into params_, alive during create().
        const cp_filter_desc& d = *filter_->desc;
        std::vector<cp_param_value> values(d.param_count);
        for (std::uint32_t i = 0; i < d.param_count; ++i) {
            const cp_param_spec& spec = param_spec(d, i);
            const std::string name = spec.name;
            cp_param_value& v = values[i];
            v.name = spec.name;
            v.type = spec.type;
            switch (spec.type) {
                case CP_PARAM_BOOL:
                    v.number = params_.get_bool(name) ? 1.0 : 0.0;
                    break;
                case CP_PARAM_INT:
                    v.number = static_cast<double>(params_.get_int(name));
                    break;
                case CP_PARAM_FLOAT:
                    v.number = params_.get_float(name);
                    break;
                default:
                    v.string = params_.get_string(name).c_str();
                    break;
            }
        }
        release();
        std::array<char, kErrSize> err{};
        void* instance = nullptr;
        int rc = CP_ERROR;
        try {
            const PluginCall call(filter_->label(), "create", -1);
            rc = d.create(values.data(), d.param_count, in.width, in.height, to_cp(in.format),
                          &instance, err.data(), err.size());
        } catch (...) {
            throw InputError(
                fmt::format("{}: create() threw an exception across the C ABI", filter_->label()));
        }
        if (rc != CP_OK)
            throw InputError(
                fmt::format("{}: {}", filter_->label(), message(err, "create() failed")));
        instance_ = instance;
        created_ = true;
        in_ = in;
        pool_ = std::make_unique<FramePool>(in.format, in.width, in.height, pool_size_);
        return in;
    }

    FramePtr process(const FramePtr& in) override {
        if (!created_) throw std::logic_error(filter_->label() + ": process() before configure()");
        if (in->format != in_.format || in->width != in_.width || in->height != in_.height)
            throw FilterError(
                fmt::format("{} failed on frame {}: it was configured for {} {}x{}, "
                            "got a {} {}x{} frame",
                            filter_->label(), in->index, to_string(in_.format), in_.width,
                            in_.height, to_string(in->format), in->width, in->height));
        auto out = pool_->acquire();
        copy_frame_props(*in, *out);
        const auto src = view<cp_const_image>(std::as_const(*in));
        auto dst = view<cp_image>(*out);
        const std::string timecode = in->timecode ? in->timecode->to_string() : std::string();
        const cp_frame_info frame{
            in->index, static_cast<double>(in->pts) * in->time_base.to_double(), timecode.c_str()};
        std::array<char, kErrSize> err{};
        int rc = CP_ERROR;
        {
            std::unique_lock lock(mutex_, std::defer_lock);
            if (filter_->serial) lock.lock();
            try {
                const PluginCall call(filter_->label(), "process", in->index);
                rc = filter_->desc->process(instance_, &src, &dst, &frame, err.data(), err.size());
            } catch (...) {
                throw FilterError(
                    fmt::format("{} failed on frame {}: it threw an exception "
                                "across the C ABI",
                                filter_->label(), in->index));
            }
        }
        if (rc != CP_OK)
            throw FilterError(fmt::format("{} failed on frame {}: {}", filter_->label(), in->index,
                                          message(err, "process() failed without a message")));
        return out;
    }

  private:
    void release() noexcept {
        if (created_ && filter_->desc->destroy) {
            const PluginCall call(filter_->label(), "destroy", -1);
            filter_->desc->destroy(instance_);
        }
        created_ = false;
        instance_ = nullptr;
    }

    std::shared_ptr<const PluginFilter> filter_;  // first member: outlives the instance
    ParamSet params_;
    std::size_t pool_size_;
    StreamDesc in_;
    std::unique_ptr<FramePool> pool_;
    std::mutex mutex_;
    void* instance_ = nullptr;
    bool created_ = false;
};

bool valid_name(const char* name) {
    if (!name || !*name) return false;
    for (const char* c = name; *c; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
    return true;
}

std::string str(const char* s) {
    return s ? s : "";
}

// Checks the size a plugin reports for one of its structs (`field`): at least the API-1 size,
// and a multiple of `align` when it is an array stride.
void check_size(const std::string& where, const char* what, const char* field, std::uint32_t size,
                std::size_t api1_size, std::size_t align) {
    if (size < api1_size)
        throw InputError(
            fmt::format("{}: its {} is {} bytes ({}), smaller than the {} of plugin API {}", where,
                        what, size, field, api1_size, CINEPIPE_PLUGIN_API_VERSION));
    if (size % align != 0)
        throw InputError(fmt::format("{}: its {} is {} bytes ({}), not a multiple of {}", where,
                                     what, size, field, align));
}

// Checks one schema entry and converts it; `where` is "<file>: filter 'x'".
ParamSpec convert_param(const cp_param_spec& p, std::uint32_t index, const std::string& where) {
    if (!p.name || !*p.name)
        throw InputError(fmt::format("{}: parameter #{} has no name", where, index + 1));
    const std::string what = fmt::format("{}: parameter '{}'", where, p.name);
    if (!valid_name(p.name))
        throw InputError(what + " has an invalid name (use lower case letters, digits and _)");
    ParamSpec spec;
    spec.name = p.name;
    spec.help = str(p.help);
    const bool has_default = p.required == 0;
    switch (p.type) {
        case CP_PARAM_BOOL:
            spec.type = ParamType::Bool;
            if (has_default) {
                if (p.default_number != 0.0 && p.default_number != 1.0)
                    throw InputError(fmt::format("{} is a bool with default {} (not 0 or 1)", what,
                                                 p.default_number));
                spec.default_value = p.default_number != 0.0;
            }
            return spec;
        case CP_PARAM_INT:
        case CP_PARAM_FLOAT: {
            const bool is_int = p.type == CP_PARAM_INT;
            spec.type = is_int ? ParamType::Int : ParamType::Float;
            if (std::isnan(p.min) || std::isnan(p.max))
                throw InputError(what + " has a range that is not a number");
            if (p.min < p.max) {  // min >= max (both left 0): unbounded
                spec.min = p.min;
                spec.max = p.max;
            }
            if (!has_default) return spec;
            const double d = p.default_number;
            if (!std::isfinite(d))
                throw InputError(fmt::format("{} has default {}, not a finite number", what, d));
            if (is_int && (d != std::floor(d) || std::fabs(d) > 9e15))
                throw InputError(
                    fmt::format("{} is an int with default {}, not an integer", what, d));
            if (d < spec.min || d > spec.max)
                throw InputError(fmt::format("{} has default {} outside its range {}..{}", what, d,
                                             p.min, p.max));
            if (is_int)
                spec.default_value = static_cast<std::int64_t>(d);
            else
                spec.default_value = d;
            return spec;
        }
        case CP_PARAM_STRING:
            spec.type = ParamType::String;
            if (has_default) spec.default_value = str(p.default_string);
            return spec;
        case CP_PARAM_CHOICE: {
            spec.type = ParamType::Choice;
            for (const char* const* c = p.choices; c && *c; ++c) spec.choices.emplace_back(*c);
            if (spec.choices.empty()) throw InputError(what + " is a choice without choices");
            if (!has_default) return spec;
            if (!p.default_string)
                throw InputError(what + " is an optional choice without a default");
            if (std::find(spec.choices.begin(), spec.choices.end(), p.default_string) ==
                spec.choices.end())
                throw InputError(fmt::format("{} has default '{}', not one of its choices", what,
                                             p.default_string));
            spec.default_value = std::string(p.default_string);
            return spec;
        }
        default:
            throw InputError(fmt::format("{} has an unknown type {}", what, p.type));
    }
}

// Checks one filter of the plugin in `file` and makes its registry entry.
FilterInfo convert_filter(const std::shared_ptr<const Library>& library, const cp_filter_desc& d,
                          std::uint32_t index, const std::string& origin) {
    const std::string& file = library->path();
    if (!d.name || !*d.name)
        throw InputError(fmt::format("{}: filter #{} has no name", file, index + 1));
    const std::string where = fmt::format("{}: filter '{}'", file, d.name);
    if (!valid_name(d.name))
        throw InputError(where + " has an invalid name (use lower case letters, digits and _)");
    if (!d.create) throw InputError(where + " has no create() callback");
    if (!d.process) throw InputError(where + " has no process() callback");

    auto filter = std::make_shared<PluginFilter>();
    filter->library = library;
    filter->desc = &d;
    filter->name = d.name;
    filter->file = file;
    filter->label_text = fmt::format("plugin filter '{}' ({})", filter->name, file);
    if (d.format_count == 0 || !d.formats) throw InputError(where + " lists no pixel formats");
    for (std::uint32_t i = 0; i < d.format_count; ++i) {
        const auto format = from_cp(d.formats[i]);
        if (!format)
            throw InputError(
                fmt::format("{} lists pixel format {}, which this cinepipe does not "
                            "know (1-4: rgb48, rgba64, gbrpf32, gbrapf32)",
                            where, d.formats[i]));
        if (std::find(filter->formats.begin(), filter->formats.end(), *format) ==
            filter->formats.end())
            filter->formats.push_back(*format);
    }

    FilterInfo info;
    info.name = d.name;
    info.version = str(d.version);
    info.kind = NodeKind::Transform;
    info.family = "plugin";
    info.help = str(d.help);
    if (d.param_count > 0 && !d.params)
        throw InputError(
            fmt::format("{} declares {} parameters but no schema", where, d.param_count));
    // The schema is walked with the plugin's own param_spec_size as the stride, so a plugin
    // built with fields appended to cp_param_spec still reads right.
    if (d.param_count > 0)
        check_size(where, "parameter descriptor", "param_spec_size", d.param_spec_size,
                   kApi1ParamSpecSize, alignof(api1::ParamSpec));
    for (std::uint32_t i = 0; i < d.param_count; ++i) {
        ParamSpec spec = convert_param(param_spec(d, i), i, where);
        const bool twice = std::any_of(info.params.begin(), info.params.end(),
                                       [&](const ParamSpec& s) { return s.name == spec.name; });
        if (twice)
            throw InputError(fmt::format("{}: parameter '{}' is declared twice", where, spec.name));
        info.params.push_back(std::move(spec));
    }
    info.thread_safe = (d.flags & CP_FILTER_THREAD_SAFE) != 0;
    info.needs_in_order = (d.flags & CP_FILTER_NEEDS_ORDER) != 0;
    filter->serial = !info.thread_safe || info.needs_in_order;
    info.origin = origin;
    std::shared_ptr<const PluginFilter> shared = std::move(filter);
    info.create = [shared](const ParamSet& params, const NodeContext& context) {
        return std::unique_ptr<Node>(
            std::make_unique<PluginNode>(shared, params, context.pool_size));
    };
    return info;
}

void load_plugin(FilterRegistry& registry, const std::string& file) {
    const auto library = std::make_shared<const Library>(file);
    void* symbol = library->symbol(CINEPIPE_PLUGIN_ENTRY);
    if (!symbol)
        throw InputError(fmt::format("{} is not a cinepipe plugin: it exports no {}", file,
                                     CINEPIPE_PLUGIN_ENTRY));
    const auto entry = reinterpret_cast<cp_plugin_entry_fn>(symbol);
    const cp_plugin_desc* plugin = nullptr;
    try {
        plugin = entry();
    } catch (...) {
        throw InputError(fmt::format("{}: {} threw an exception", file, CINEPIPE_PLUGIN_ENTRY));
    }
    if (!plugin)
        throw InputError(fmt::format("{} is not a usable cinepipe plugin: {} returned NULL", file,
                                     CINEPIPE_PLUGIN_ENTRY));
    // api_version is the first field in every version of the descriptor.
    if (plugin->api_version != CINEPIPE_PLUGIN_API_VERSION)
        throw InputError(fmt::format("{} was built for plugin API {}; this cinepipe supports {}",
                                     file, plugin->api_version, CINEPIPE_PLUGIN_API_VERSION));
    check_size(file, "plugin descriptor", "struct_size", plugin->struct_size, kApi1PluginDescSize,
               1);  // not an array stride: any size from the API-1 one up
    if (plugin->filter_count == 0 || !plugin->filters)
        throw InputError(fmt::format("{}: the plugin declares no filters", file));

    // The filter array is walked with the plugin's own struct_size as the stride, so a plugin
    // built with fields appended to cp_filter_desc still reads right.
    const std::uint32_t stride = plugin->filters[0].struct_size;
    check_size(file, "filter descriptor", "struct_size", stride, kApi1FilterDescSize,
               alignof(api1::FilterDesc));
    const auto* base = reinterpret_cast<const unsigned char*>(plugin->filters);

    const std::string plugin_name =
        plugin->name && *plugin->name ? plugin->name : fs::path(file).stem().string();
    const std::string plugin_version = str(plugin->version);
    const std::string origin = plugin_version.empty()
                                   ? fmt::format("{} ({})", file, plugin_name)
                                   : fmt::format("{} ({} {})", file, plugin_name, plugin_version);

    // Everything is checked before anything is registered: a plugin loads whole or not at all.
    std::vector<FilterInfo> infos;
    for (std::uint32_t i = 0; i < plugin->filter_count; ++i) {
        const auto& d = *reinterpret_cast<const cp_filter_desc*>(base + std::size_t{i} * stride);
        if (d.struct_size != stride)
            throw InputError(
                fmt::format("{}: filter #{} has struct_size {}, unlike the first "
                            "filter's {}",
                            file, i + 1, d.struct_size, stride));
        FilterInfo info = convert_filter(library, d, i, origin);
        if (const FilterInfo* existing = registry.find(info.name))
            throw InputError(existing->origin == "built-in"
                                 ? fmt::format("{}: filter '{}' has the name of a built-in filter",
                                               file, info.name)
                                 : fmt::format("{}: filter '{}' is already registered by {}", file,
                                               info.name, existing->origin));
        for (const auto& other : infos)
            if (other.name == info.name)
                throw InputError(fmt::format("{}: filter '{}' is declared twice", file, info.name));
        infos.push_back(std::move(info));
    }
    for (auto& info : infos) {
        try {
            registry.add(std::move(info));
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("{}: {}", file, e.what()));
        }
    }
}

}  // namespace

std::vector<std::string> plugin_search_path(const std::vector<std::string>& extra_dirs) {
    std::vector<std::string> dirs;
    for (const auto& d : extra_dirs)
        if (!d.empty()) dirs.push_back(d);
    if (const char* env = std::getenv("CINEPIPE_PLUGIN_PATH")) {
        const std::string text = env;
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = text.find(':', start);
            if (end == std::string::npos) end = text.size();
            if (end > start) dirs.push_back(text.substr(start, end - start));
            start = end + 1;
        }
    }
    return dirs;
}

void load_plugins(FilterRegistry& registry, const std::vector<std::string>& dirs) {
    std::set<std::string> loaded;  // canonical paths: a file reached twice loads once
    for (const auto& dir : dirs) {
        std::error_code ec;
        const fs::path path = fs::absolute(fs::path(dir), ec).lexically_normal();
        const auto status = fs::status(path, ec);
        if (ec || !fs::exists(status))
            throw InputError(fmt::format("plugin folder {} does not exist", dir));
        std::vector<fs::path> files;
        if (fs::is_directory(status)) {
            fs::directory_iterator it(path, ec);
            for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
                std::error_code type_ec;
                if (it->path().extension() == ".so" && it->is_regular_file(type_ec))
                    files.push_back(it->path());
            }
            if (ec)
                throw InputError(
                    fmt::format("cannot read plugin folder {}: {}", path.string(), ec.message()));
            std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
                return a.filename().string() < b.filename().string();
            });
        } else {
            files.push_back(path);
        }
        for (const auto& file : files) {
            std::error_code canon_ec;
            const fs::path canonical = fs::canonical(file, canon_ec);
            if (!loaded.insert(canon_ec ? file.string() : canonical.string()).second) continue;
            load_plugin(registry, file.string());
        }
    }
}

}  // namespace cinepipe
