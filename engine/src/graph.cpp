// Compiling and running a filter graph. Compilation checks the whole spec, opens the one
// source, negotiates formats (inserting the fewest conversions, shared between branches that
// need the same one) and lays the nodes out as pipeline steps: thread-safe transforms in the
// parallel stage, everything that needs order (analysers, sinks, in-order filters) in one
// serial in-order stage each, so sinks pipeline behind one another.

#include "cinepipe/graph.h"

#include <fmt/format.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/output_file.h"
#include "cinepipe/synced_sound.h"
#include "pipeline_failure.h"
#include "tsan_hand_over.h"

namespace cinepipe {

namespace {

struct Step {
    enum class Kind { Convert, Transform, Prepare, Consume } kind = Kind::Transform;
    int node = -1;  // Transform/Consume: index into Impl::nodes
    int input_slot = 0;
    int output_slot = -1;  // Convert/Transform
    std::unique_ptr<FrameConverter> converter;
    bool parallel = false;
    std::string label;
    std::vector<int> release;       // slots no later step reads
    bool hands_over_input = false;  // no later step reads the input slot: move its frame in
    StageMeter* meter = nullptr;    // set for the run
};

bool fits(PixelFormat f, int width, int height) {
    const auto& fi = info(f);
    if (fi.family == ColorFamily::Rgb) return true;
    return width % (1 << fi.chroma_shift_x) == 0 && height % (1 << fi.chroma_shift_y) == 0;
}

// What converting `from` to `to` loses: bit depth, chroma resolution, alpha (in that order of
// weight), then a little for changing family or carrying more bits than needed.
int conversion_loss(PixelFormat from, PixelFormat to) {
    const auto& a = info(from);
    const auto& b = info(to);
    int loss = 0;
    const int depth_a = a.sample == SampleType::F32 ? 24 : a.bit_depth;  // float: ~24-bit mantissa
    const int depth_b = b.sample == SampleType::F32 ? 24 : b.bit_depth;
    if (depth_b < depth_a) loss += 1000 * (depth_a - depth_b);
    const int chroma_a = a.family == ColorFamily::Rgb ? 0 : a.chroma_shift_x + a.chroma_shift_y;
    const int chroma_b = b.family == ColorFamily::Rgb ? 0 : b.chroma_shift_x + b.chroma_shift_y;
    if (chroma_b > chroma_a) loss += 500 * (chroma_b - chroma_a);
    if (a.has_alpha && !b.has_alpha) loss += 2000;
    // An alpha channel the source does not have costs memory and would make writers
    // downstream store an opaque one.
    if (!a.has_alpha && b.has_alpha) loss += 40;
    if (a.family != b.family) loss += 20;
    if (depth_b > depth_a) loss += depth_b - depth_a;
    return loss;
}

std::string describe(const StreamDesc& d) {
    return fmt::format("{} {}x{}", to_string(d.format), d.width, d.height);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

struct Graph::Impl {
    struct NodeRuntime {
        const NodeSpec* spec = nullptr;
        const FilterInfo* info = nullptr;
        ParamSet params;
        std::unique_ptr<Node> node;
        int out_slot = -1;
        int input = -1;  // index of the node feeding this one
        std::vector<int> consumers;
        int absorbed_into = -1;             // fused into that node, which now does its work
        std::vector<std::string> absorbed;  // ids of the nodes this one absorbed
    };

    GraphSpec spec;
    GraphOptions options;
    const CancelToken& cancel;
    std::vector<NodeRuntime> nodes;
    std::vector<int> order;  // topological
    std::vector<bool> live;  // feeds an analyser or sink
    int source = -1;
    std::unique_ptr<MediaReader> reader;
    MediaInfo source_info;  // what nodes see: without audio when the source skips it
    std::vector<StreamDesc> slot_desc;
    std::vector<bool> slot_parallel;
    std::vector<Step> steps;
    std::vector<std::vector<int>> serial_groups;  // step indices per serial stage
    std::vector<int> parallel_steps;
    std::vector<std::string> warnings;
    int conversions = 0;

    Impl(const GraphSpec& s, const GraphOptions& o, const CancelToken& c)
        : spec(s), options(o), cancel(c) {}

    // "graph.yaml:12: node 'proxy' (scale): what"
    [[noreturn]] void fail(int node, const std::string& what, int line = -1) const {
        const NodeSpec& n = *nodes[static_cast<std::size_t>(node)].spec;
        const int l = line >= 0 ? line : n.line;
        std::string where = spec.path.empty() ? std::string("graph") : spec.path;
        if (l > 0) where += fmt::format(":{}", l);
        throw InputError(fmt::format("{}: node '{}' ({}): {}", where, n.id, n.type, what));
    }

    [[noreturn]] void fail_graph(const std::string& what) const {
        throw InputError(fmt::format("{}: {}", spec.path.empty() ? "graph" : spec.path, what));
    }

    NodeRuntime& at(int i) { return nodes[static_cast<std::size_t>(i)]; }

    void resolve_types(const FilterRegistry& registry) {
        for (const auto& n : spec.nodes) {
            NodeRuntime rt;
            rt.spec = &n;
            rt.info = registry.find(n.type);
            nodes.push_back(std::move(rt));
            const int i = static_cast<int>(nodes.size()) - 1;
            if (!nodes.back().info) {
                const std::string hint = registry.closest(n.type);
                fail(i, hint.empty() ? "unknown node type (run 'cinepipe filters' for the list)"
                                     : fmt::format("unknown node type; did you mean '{}'?", hint));
            }
            try {
                nodes.back().params = validate_params(nodes.back().info->params, n.params);
            } catch (const std::invalid_argument& e) {
                // Point at the offending parameter's own line when there is one.
                int line = -1;
                for (const auto& [name, l] : n.param_lines)
                    if (std::string(e.what()).find(fmt::format("'{}'", name)) != std::string::npos)
                        line = l;
                fail(i, fmt::format("{}{}", line == 0 ? "--set: " : "", e.what()), line);
            }
        }
    }

    void connect() {
        std::map<std::string, int> by_id;
        for (std::size_t i = 0; i < nodes.size(); ++i)
            by_id[nodes[i].spec->id] = static_cast<int>(i);
        std::vector<int> sources;
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].info->kind == NodeKind::Source) sources.push_back(static_cast<int>(i));
        if (sources.empty()) fail_graph("has no source node (type: source)");
        if (sources.size() > 1)
            fail(sources[1], fmt::format("a graph reads one source; '{}' is already its source",
                                         at(sources[0]).spec->id));
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            NodeRuntime& n = nodes[i];
            const int me = static_cast<int>(i);
            const auto& inputs = n.spec->inputs;
            if (n.info->kind == NodeKind::Source) {
                if (!inputs.empty()) fail(me, "a source takes no inputs");
                continue;
            }
            if (inputs.empty()) fail(me, "input not connected; give 'inputs: [<node id>]'");
            if (inputs.size() > 1)
                fail(me,
                     fmt::format("takes one input, {} given ({})", inputs.size(), join(inputs)));
            const auto it = by_id.find(inputs.front());
            if (it == by_id.end())
                fail(me, fmt::format("input '{}' is not a node of this graph", inputs.front()));
            if (it->second == me) fail(me, "takes its own output as input (a cycle)");
            const NodeRuntime& from = nodes[static_cast<std::size_t>(it->second)];
            if (from.info->kind == NodeKind::Sink || from.info->kind == NodeKind::Analyser)
                fail(me,
                     fmt::format("input '{}' is {} ({}), which has no video output", inputs.front(),
                                 from.info->kind == NodeKind::Sink ? "a sink" : "an analyser",
                                 from.info->name));
            n.input = it->second;
            nodes[static_cast<std::size_t>(it->second)].consumers.push_back(me);
        }
        // Cycles: with one input per node, following inputs from any node either reaches a
        // source or comes back round.
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            std::vector<int> path{static_cast<int>(i)};
            int cur = nodes[i].input;
            while (cur >= 0) {
                if (const auto hit = std::find(path.begin(), path.end(), cur); hit != path.end()) {
                    std::string cycle;
                    for (auto p = hit; p != path.end(); ++p) cycle += at(*p).spec->id + " <- ";
                    fail(*hit, "is part of a cycle: " + cycle + at(*hit).spec->id);
                }
                path.push_back(cur);
                cur = at(cur).input;
            }
        }
        source = sources.front();
        const bool has_output = std::any_of(nodes.begin(), nodes.end(), [](const NodeRuntime& n) {
            return n.info->kind == NodeKind::Sink || n.info->kind == NodeKind::Analyser;
        });
        if (!has_output) fail_graph("has no sink or analyser: nothing would be written");
        // Depth-first from the source gives a topological order in spec order.
        std::vector<int> stack{source};
        while (!stack.empty()) {
            const int cur = stack.back();
            stack.pop_back();
            order.push_back(cur);
            const auto& c = at(cur).consumers;
            for (auto it = c.rbegin(); it != c.rend(); ++it) stack.push_back(*it);
        }
        // A transform is worth running only if some analyser or sink is downstream of it.
        live.assign(nodes.size(), false);
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            NodeRuntime& n = at(*it);
            live[static_cast<std::size_t>(*it)] =
                n.info->kind != NodeKind::Transform ||
                std::any_of(n.consumers.begin(), n.consumers.end(),
                            [&](int c) { return live[static_cast<std::size_t>(c)]; });
            if (!live[static_cast<std::size_t>(*it)])
                warnings.push_back(
                    fmt::format("node '{}' ({}): no sink or analyser uses its output; skipped",
                                n.spec->id, n.info->name));
        }
        std::reverse(warnings.begin(), warnings.end());
    }

    void open_source() {
        const NodeRuntime& s = at(source);
        const auto line_of = [&](const char* param) {
            return s.spec->param_lines.count(param) ? s.spec->param_lines.at(param) : -1;
        };
        const bool audio = s.params.get_bool("audio");
        const std::string& sound = s.params.get_string("sound");
        if (!sound.empty() && !audio)
            fail(source,
                 std::string(line_of("sound") == 0 ? "--set: " : "") +
                     "parameter 'sound': lays sound in, which 'audio: false' turns off",
                 line_of("sound"));
        ReaderOptions ro;
        ro.decoder_threads = options.schedule.resolved_threads();
        // With a recording laid in, the clip's own sound is decoded only when it is kept.
        ro.decode_audio = audio && (sound.empty() || s.params.get_bool("keep_scratch"));
        ro.tolerate_damage = s.params.get_bool("tolerate_damage");
        ro.cancel = &cancel;
        ro.frames_held = pool_size();
        try {
            ro.sequence_rate = parse_rate(s.params.get_string("fps"));
        } catch (const std::exception& e) {
            const int line = line_of("fps");
            fail(source, std::string(line == 0 ? "--set: " : "") + "parameter 'fps': " + e.what(),
                 line);
        }
        try {
            reader = MediaReader::open(s.params.get_string("path"), ro);
        } catch (const InputError& e) {
            fail(source, e.what(), line_of("path"));
        }
        if (!reader->info().video)
            fail(source, s.params.get_string("path") + ": has no video stream");
        if (!sound.empty()) {
            const int line = line_of("sound");
            try {
                reader = with_synced_sound(
                    std::move(reader),
                    {sound, s.params.get_int("sound_offset"), s.params.get_bool("keep_scratch")},
                    &cancel);
            } catch (const InputError& e) {
                fail(source,
                     std::string(line == 0 ? "--set: " : "") + "parameter 'sound': " + e.what(),
                     line);
            }
        }
        source_info = reader->info();
        if (!audio) source_info.audio.clear();
        const VideoStreamInfo& v = *reader->info().video;
        StreamDesc d;
        d.format = v.working_format;
        d.width = v.width;
        d.height = v.height;
        d.tags = v.tags;
        d.sample_aspect = v.sample_aspect;
        d.field_order =
            v.field_order == FieldOrder::Unknown ? FieldOrder::Progressive : v.field_order;
        d.frame_rate = v.frame_rate;
        slot_desc.push_back(d);
        slot_parallel.push_back(true);
        at(source).out_slot = 0;
    }

    // Two outputs at one path would silently replace each other, and an output over the
    // source would destroy it: both are refused before anything is written.
    void check_output_paths() const {
        const auto key = [](const std::string& p) { return comparable_path(p); };
        const ParamSet& source_params = nodes[static_cast<std::size_t>(source)].params;
        const std::string& source_path = source_params.get_string("path");
        const std::string& sound = source_params.get_string("sound");
        std::map<std::string, int> seen;
        for (const int i : order) {
            const NodeRuntime& n = nodes[static_cast<std::size_t>(i)];
            if (i == source || n.info->kind == NodeKind::Transform) continue;
            if (!n.params.values().count("path")) continue;
            const std::string& path = n.params.get_string("path");
            if (path.empty()) continue;
            const std::string k = key(path);
            if (is_same_file(path, source_path))
                fail(i, path + ": is the graph's source; refusing to overwrite it");
            if (!sound.empty() && is_same_file(path, sound))
                fail(i, path + ": is the sound laid in by the source; refusing to overwrite it");
            if (const auto it = seen.find(k); it != seen.end())
                fail(i, fmt::format("{}: node '{}' writes this file too", path,
                                    nodes[static_cast<std::size_t>(it->second)].spec->id));
            seen[k] = i;
        }
    }

    std::size_t pool_size() const {
        // As encode(): units in flight plus what frame-threaded encoders still hold, plus the
        // two pictures an analyser comparing frames keeps past their unit (QC's previous two).
        constexpr std::size_t kAnalyserHeldFrames = 2;
        return static_cast<std::size_t>(options.schedule.resolved_in_flight()) +
               2 * static_cast<std::size_t>(options.schedule.resolved_threads()) + 4 +
               kAnalyserHeldFrames;
    }

    // The slot holding `from_slot`'s frames in `format`, adding a conversion step unless an
    // earlier branch already asked for the same one.
    int converted_slot(int from_slot, PixelFormat format,
                       std::map<std::pair<int, PixelFormat>, int>& made,
                       const std::string& for_node) {
        if (slot_desc[static_cast<std::size_t>(from_slot)].format == format) return from_slot;
        if (const auto it = made.find({from_slot, format}); it != made.end()) {
            steps[static_cast<std::size_t>(it->second)].label += ", " + for_node;
            return steps[static_cast<std::size_t>(it->second)].output_slot;
        }
        const StreamDesc in = slot_desc[static_cast<std::size_t>(from_slot)];
        StreamDesc out = in;
        out.format = format;
        out.tags = converted_tags(in.tags, in.format, format);
        ConverterOptions co;
        co.format = format;
        co.width = in.width;
        co.height = in.height;
        co.pool_size = pool_size();
        Step step;
        step.kind = Step::Kind::Convert;
        step.input_slot = from_slot;
        step.output_slot = static_cast<int>(slot_desc.size());
        step.converter = std::make_unique<FrameConverter>(co);
        step.parallel = slot_parallel[static_cast<std::size_t>(from_slot)];
        step.label =
            fmt::format("convert {} -> {} for {}", describe(in), to_string(format), for_node);
        slot_desc.push_back(out);
        slot_parallel.push_back(step.parallel);
        steps.push_back(std::move(step));
        ++conversions;
        made[{from_slot, format}] = static_cast<int>(steps.size()) - 1;
        return static_cast<int>(slot_desc.size()) - 1;
    }

    // Runs `body` for node `i`, turning what it throws into one line naming the node.
    template <typename Body>
    void located(int i, Body&& body) {
        const NodeRuntime& n = at(i);
        try {
            body();
        } catch (const InputError& e) {
            const std::string prefix = spec.path + ":";
            if (std::string(e.what()).rfind(prefix, 0) == 0) throw;  // already located
            fail(i, e.what());
        } catch (const std::invalid_argument& e) {
            fail(i, e.what());
        } catch (const OutputError& e) {
            // A sink's target that cannot be written: still exit 3, but name the node.
            throw OutputError(fmt::format("{}{}: node '{}' ({}): {}",
                                          spec.path.empty() ? "graph" : spec.path,
                                          n.spec->line > 0 ? fmt::format(":{}", n.spec->line) : "",
                                          n.spec->id, n.spec->type, e.what()));
        }
    }

    void create_nodes() {
        for (const int i : order) {
            NodeRuntime& n = at(i);
            if (i == source || !live[static_cast<std::size_t>(i)]) continue;
            NodeContext ctx;
            ctx.id = n.spec->id;
            ctx.source = &source_info;
            ctx.source_stats = &reader->stats();
            ctx.pool_size = pool_size();
            ctx.threads = options.schedule.resolved_threads();
            ctx.overwrite = options.overwrite;
            located(i, [&] { n.node = n.info->create(n.params, ctx); });
        }
    }

    // A transform whose only consumer is a transform that only it feeds may absorb that
    // consumer (colour operations become one processor: one pass, no rounding between them).
    // The absorbed node is then skipped and the absorber feeds its consumers.
    void fuse() {
        for (const int i : order) {
            NodeRuntime& n = at(i);
            if (!n.node || n.absorbed_into >= 0 || n.info->kind != NodeKind::Transform) continue;
            while (n.consumers.size() == 1) {
                const int c = n.consumers.front();
                NodeRuntime& next = at(c);
                if (!next.node || next.info->kind != NodeKind::Transform) break;
                bool merged = false;
                located(i, [&] { merged = n.node->absorb(*next.node); });
                if (!merged) break;
                next.absorbed_into = i;
                n.absorbed.push_back(next.spec->id);
                n.consumers = next.consumers;
                for (const int cc : n.consumers) at(cc).input = i;
            }
        }
    }

    void negotiate() {
        std::map<std::pair<int, PixelFormat>, int> made;
        for (const int i : order) {
            NodeRuntime& n = at(i);
            if (i == source) continue;
            if (!live[static_cast<std::size_t>(i)]) continue;
            if (n.absorbed_into >= 0) continue;
            const int in_slot = at(n.input).out_slot;
            const StreamDesc in = slot_desc[static_cast<std::size_t>(in_slot)];
            int slot = in_slot;
            located(i, [&] {
                const std::vector<PixelFormat> accepted = n.node->accepted_formats(in);
                if (!accepted.empty() &&
                    std::find(accepted.begin(), accepted.end(), in.format) == accepted.end()) {
                    std::optional<PixelFormat> best;
                    int best_cost = 0;
                    for (std::size_t k = 0; k < accepted.size(); ++k) {
                        if (!fits(accepted[k], in.width, in.height)) continue;
                        const int cost =
                            conversion_loss(in.format, accepted[k]) * 16 + static_cast<int>(k);
                        if (!best || cost < best_cost) {
                            best = accepted[k];
                            best_cost = cost;
                        }
                    }
                    if (!best) {
                        std::vector<std::string> names;
                        names.reserve(accepted.size());
                        for (const auto f : accepted) names.push_back(to_string(f));
                        fail(i, fmt::format("no conversion gives it a format it takes: a {}x{} "
                                            "picture does not fit {} (chroma subsampling needs "
                                            "even dimensions)",
                                            in.width, in.height, join(names)));
                    }
                    slot = converted_slot(in_slot, *best, made, n.spec->id);
                }
                const StreamDesc given = slot_desc[static_cast<std::size_t>(slot)];
                const StreamDesc out = n.node->configure(given);
                Step step;
                step.node = i;
                step.input_slot = slot;
                if (n.info->kind == NodeKind::Transform && !fits(out.format, out.width, out.height))
                    fail(i, fmt::format("would produce a {}x{} {} picture; its chroma subsampling "
                                        "needs even dimensions (4:2:2 an even width, 4:2:0 both)",
                                        out.width, out.height, to_string(out.format)));
                if (n.info->kind == NodeKind::Transform) {
                    step.kind = Step::Kind::Transform;
                    step.output_slot = static_cast<int>(slot_desc.size());
                    step.parallel = slot_parallel[static_cast<std::size_t>(slot)] &&
                                    n.info->thread_safe && !n.info->needs_in_order;
                    slot_desc.push_back(out);
                    slot_parallel.push_back(step.parallel);
                    n.out_slot = step.output_slot;
                    step.label = fmt::format("{}: {} ({} -> {})", n.spec->id, n.info->name,
                                             describe(given), describe(out));
                    if (const std::string d = n.node->describe(); !d.empty())
                        step.label += ": " + d;
                    if (!n.absorbed.empty()) step.label += " [absorbed " + join(n.absorbed) + "]";
                } else {
                    step.kind = Step::Kind::Consume;
                    step.label =
                        fmt::format("{}: {} ({})", n.spec->id, n.info->name, describe(given));
                    // An analyser's per-picture work that needs no other picture runs in the
                    // parallel stage, on many pictures at once, ahead of its in-order stage.
                    if (n.node->prepares() && slot_parallel[static_cast<std::size_t>(slot)]) {
                        Step prepare;
                        prepare.kind = Step::Kind::Prepare;
                        prepare.node = i;
                        prepare.input_slot = slot;
                        prepare.parallel = true;
                        prepare.label = fmt::format("{}: {}, measuring each picture ({})",
                                                    n.spec->id, n.info->name, describe(given));
                        steps.push_back(std::move(prepare));
                    }
                }
                steps.push_back(std::move(step));
            });
        }
        // Parallel steps run first, in order, in the parallel stage; each serial node gets
        // its own serial stage with the serial conversions it needs just before it.
        std::vector<int> pending;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const Step& s = steps[k];
            if (s.parallel) {
                parallel_steps.push_back(static_cast<int>(k));
            } else if (s.kind == Step::Kind::Convert) {
                pending.push_back(static_cast<int>(k));
            } else {
                pending.push_back(static_cast<int>(k));
                serial_groups.push_back(std::move(pending));
                pending.clear();
            }
        }
        // Each slot is let go right after the last step that reads it, so frames return to
        // their pools while the unit is still on its way through later stages.
        std::vector<int> exec = parallel_steps;
        for (const auto& g : serial_groups) exec.insert(exec.end(), g.begin(), g.end());
        std::vector<int> last_reader(slot_desc.size(), -1);
        for (const int k : exec)
            last_reader[static_cast<std::size_t>(steps[static_cast<std::size_t>(k)].input_slot)] =
                k;
        for (std::size_t slot = 0; slot < last_reader.size(); ++slot)
            if (last_reader[slot] >= 0) {
                Step& reader = steps[static_cast<std::size_t>(last_reader[slot])];
                reader.release.push_back(static_cast<int>(slot));
                if (reader.input_slot == static_cast<int>(slot)) reader.hands_over_input = true;
            }
    }

    struct Work {
        MediaUnit unit;  // its video lives in slots[0]
        std::vector<FramePtr> slots;
        bool has_video = false;
    };

    // Runs `call` on node `i`, its filter errors naming the node.
    template <typename Call>
    void naming_node(int i, const Call& call) const {
        const NodeRuntime& n = nodes[static_cast<std::size_t>(i)];
        try {
            call(*n.node);
        } catch (const FilterError& e) {
            throw FilterError(fmt::format("node '{}': {}", n.spec->id, e.what()));
        }
    }

    void run_step(Step& s, Work& w) const {
        const FramePtr& in = w.slots[static_cast<std::size_t>(s.input_slot)];
        StageTimer timer(s.meter);
        // A node's prepare and consume share its stage: the picture counts once.
        if (in && s.kind != Step::Kind::Prepare) timer.count(1);
        switch (s.kind) {
            case Step::Kind::Convert:
                if (in) w.slots[static_cast<std::size_t>(s.output_slot)] = s.converter->convert(in);
                break;
            case Step::Kind::Transform: {
                if (!in) break;
                // The slot's last reader is handed its frame (the slot lets go of it), so a
                // node that finds itself the only owner can work in place.
                FramePtr input;
                if (s.hands_over_input)
                    input = std::move(w.slots[static_cast<std::size_t>(s.input_slot)]);
                else
                    input = in;
                naming_node(s.node, [&](Node& node) {
                    w.slots[static_cast<std::size_t>(s.output_slot)] = node.process(input);
                });
                break;
            }
            case Step::Kind::Prepare:
                if (!in) break;
                naming_node(s.node, [&](Node& node) { node.prepare(in); });
                break;
            case Step::Kind::Consume: {
                // The source's audio travels with this node's own video, without a copy.
                MediaUnit view{in, std::move(w.unit.audio)};
                try {
                    nodes[static_cast<std::size_t>(s.node)].node->consume(view);
                } catch (...) {
                    w.unit.audio = std::move(view.audio);
                    throw;
                }
                w.unit.audio = std::move(view.audio);
                break;
            }
        }
        for (const int slot : s.release) w.slots[static_cast<std::size_t>(slot)].reset();
    }

    // A stage's name in --stats: a node by its id and type, a conversion by its plan line.
    [[nodiscard]] std::string stage_name(const Step& s) const {
        if (s.kind == Step::Kind::Convert) return s.label;
        const NodeRuntime& n = nodes[static_cast<std::size_t>(s.node)];
        std::string name = fmt::format("{} ({}", n.spec->id, n.info->name);
        if (!n.absorbed.empty()) name += ", absorbed " + join(n.absorbed);
        return name + ")";
    }

    // Meters in pipeline order: decode, the parallel steps, then each serial stage's steps.
    StageMeter& attach_meters(StatsRecorder& recorder) {
        StageMeter& decode = recorder.stage("decode");
        for (const int k : parallel_steps) {
            Step& s = steps[static_cast<std::size_t>(k)];
            s.meter = &recorder.stage(stage_name(s));
        }
        for (const auto& g : serial_groups)
            for (const int k : g) {
                Step& s = steps[static_cast<std::size_t>(k)];
                s.meter = &recorder.stage(stage_name(s));
            }
        return decode;
    }

    // The meter a node's own step adds to (its finish() is part of its work), or null.
    [[nodiscard]] StageMeter* meter_of(int node) const {
        for (const auto& s : steps)
            if (s.kind != Step::Kind::Convert && s.node == node) return s.meter;
        return nullptr;
    }
};

Graph::Graph(const GraphSpec& spec, const FilterRegistry& registry, const GraphOptions& options,
             const CancelToken& cancel)
    : impl_(std::make_unique<Impl>(spec, options, cancel)) {
    if (impl_->spec.nodes.empty()) impl_->fail_graph("has no nodes");
    impl_->resolve_types(registry);
    impl_->connect();
    impl_->open_source();
    impl_->check_output_paths();
    impl_->create_nodes();
    impl_->fuse();
    impl_->negotiate();
}

Graph::~Graph() = default;

std::vector<std::string> Graph::plan() const {
    std::vector<std::string> out;
    const auto& src = impl_->at(impl_->source);
    out.push_back(fmt::format("{}: source {} ({})", src.spec->id, src.params.get_string("path"),
                              describe(impl_->slot_desc.front())));
    if (const std::string& sound = src.params.get_string("sound"); !sound.empty()) {
        const AudioStreamInfo& a = impl_->source_info.audio.front();
        out.push_back(fmt::format("{}: sound {} from sample {} ({} ch, {} Hz){}", src.spec->id,
                                  sound, src.params.get_int("sound_offset"), a.channels,
                                  a.sample_rate,
                                  src.params.get_bool("keep_scratch") ? ", scratch kept" : ""));
    }
    for (const int k : impl_->parallel_steps)
        out.push_back(impl_->steps[static_cast<std::size_t>(k)].label + "  [parallel]");
    for (const auto& g : impl_->serial_groups)
        for (const int k : g)
            out.push_back(impl_->steps[static_cast<std::size_t>(k)].label + "  [in order]");
    return out;
}

const std::vector<std::string>& Graph::warnings() const {
    return impl_->warnings;
}

int Graph::conversions() const {
    return impl_->conversions;
}

GraphRunResult Graph::run() {
    Impl& g = *impl_;
    using Work = Impl::Work;
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    Progress progress;
    progress.frames_total = g.reader->info().video->frame_count;
    const std::size_t slot_count = g.slot_desc.size();
    StatsRecorder recorder;
    StageMeter& decode = g.attach_meters(recorder);

    // A stage's exception is kept and rethrown once the pipeline drained (pipeline_failure.h).
    PipelineFailure failure(&g.cancel);
    const auto& policy = g.options.schedule;
    UnitRing<Work> ring(static_cast<std::size_t>(policy.resolved_in_flight()));
    const int read_state = 0;  // the reader's, for TSan
    const int done_state = 0;  // the progress count's
    auto read = [&](tbb::flow_control& fc) -> Work* {
        tsan_acquire(tbb_filters_built());
        const HandedOver reader_state(&read_state);
        std::optional<MediaUnit> unit;
        const bool ok = !failure.failed() && failure.guard([&] {
            g.cancel.throw_if_cancelled();
            StageTimer timer(&decode);
            unit = g.reader->next();
            if (unit && unit->video) timer.count(1);
        });
        if (!ok || !unit) {
            fc.stop();
            return nullptr;
        }
        Work* w = ring.next();
        const HandedOver held(w);  // emptied by the last stage, maybe on another thread
        w->slots.assign(slot_count, nullptr);
        w->has_video = unit->video != nullptr;
        w->slots[0] = std::move(unit->video);
        w->unit = std::move(*unit);
        return w;
    };
    auto parallel = [&](Work* w) -> Work* {
        tsan_acquire(tbb_filters_built());
        const HandedOver held(w);
        if (!g.cancel.cancelled() && !failure.failed())
            failure.guard([&] {
                for (const int k : g.parallel_steps)
                    g.run_step(g.steps[static_cast<std::size_t>(k)], *w);
            });
        return w;
    };
    auto filter = tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order, read) &
                  tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel, parallel);
    for (const auto& group : g.serial_groups) {
        filter = filter &
                 tbb::make_filter<Work*, Work*>(
                     tbb::filter_mode::serial_in_order, [&g, &group, &failure](Work* w) -> Work* {
                         tsan_acquire(tbb_filters_built());
                         const HandedOver group_state(&group);
                         const HandedOver held(w);
                         if (!failure.failed())
                             failure.guard([&] {
                                 g.cancel.throw_if_cancelled();
                                 for (const int k : group)
                                     g.run_step(g.steps[static_cast<std::size_t>(k)], *w);
                             });
                         return w;
                     });
    }
    auto done = [&](Work* w) {
        tsan_acquire(tbb_filters_built());
        const HandedOver done_own(&done_state);
        const HandedOver held(w);
        if (!failure.failed())
            failure.guard([&] {
                if (w->has_video) ++progress.frames_done;
                if (g.options.progress) {
                    progress.elapsed_seconds =
                        std::chrono::duration<double>(clock::now() - start).count();
                    g.options.progress(progress);
                }
            });
        // Its pictures go back to their pools now, not when the slot is reused.
        w->unit = MediaUnit{};
        w->slots.clear();
    };
    const auto whole =
        filter & tbb::make_filter<Work*, void>(tbb::filter_mode::serial_in_order, done);
    tsan_release(tbb_filters_built());
    run_with_thread_budget(policy, [&] { tbb::parallel_pipeline(ring.size(), whole); });
    // What the stages last did, maybe on worker threads, before this thread goes on.
    ring.join();
    for (const auto& group : g.serial_groups) tsan_acquire(&group);
    tsan_acquire(&read_state);
    tsan_acquire(&done_state);
    failure.rethrow_if_failed();

    GraphRunResult result;
    // Two phases: every node completes its output under a temporary name, and only then are
    // they renamed, so a failure or Ctrl-C while flushing leaves no output at all.
    for (const int i : g.order) {
        auto& n = g.at(i);
        if (!n.node) continue;
        g.cancel.throw_if_cancelled();
        StageTimer timer(g.meter_of(i));
        n.node->finish();
    }
    g.cancel.throw_if_cancelled();
    for (const int i : g.order)
        if (auto& n = g.at(i); n.node) n.node->commit();
    result.stats = recorder.snapshot();
    result.stats.frames = g.reader->stats().frames;
    result.stats.threads = policy.resolved_threads();
    result.stats.wall_seconds = std::chrono::duration<double>(clock::now() - start).count();
    result.source = g.reader->stats();
    result.warnings = g.warnings;
    for (const auto& w : g.reader->stats().warnings) result.warnings.push_back(w);
    for (const int i : g.order) {
        const auto& n = g.at(i);
        if (!n.node) continue;
        for (const auto& o : n.node->outputs()) result.outputs.push_back(o);
        if (const QcResult* qc = n.node->qc_result()) result.qc.push_back(*qc);
        for (const auto& w : n.node->warnings())
            result.warnings.push_back(fmt::format("node '{}': {}", n.spec->id, w));
    }
    return result;
}

}  // namespace cinepipe
