#pragma once
// Filter graphs: a spec (JSON or YAML, one schema, see docs/graph.md) describing one source
// feeding transforms, analysers and sinks; validated in full before any frame is decoded,
// then run as one ordered pipeline that decodes the source once for every branch.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/params.h"
#include "cinepipe/pipeline.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

struct NodeSpec {
    std::string id;
    std::string type;
    std::vector<std::string> inputs;  // ids of the nodes feeding this one
    std::map<std::string, RawValue> params;
    int line = 0;                            // 1-based line in the spec file; 0: not from a file
    std::map<std::string, int> param_lines;  // per parameter; 0 for --set overrides
};

struct GraphSpec {
    std::string path;  // the file it came from ("" when built in code)
    std::vector<NodeSpec> nodes;
};

// Parses a graph spec file (JSON or YAML; JSON is read as the YAML subset it is, so both
// give line numbers). Throws InputError "FILE:LINE: problem" for syntax and shape errors.
GraphSpec load_graph_spec(const std::string& path);
GraphSpec parse_graph_spec(const std::string& text, const std::string& name);

// Applies "node.param=value" (a --set override). Throws InputError for a malformed
// assignment or an unknown node id; the value itself is checked with the rest of the graph.
void apply_override(GraphSpec& spec, const std::string& assignment);

struct GraphOptions {
    SchedulePolicy schedule;
    bool overwrite = false;  // sinks may replace existing outputs
    ProgressCallback progress;
};

struct GraphRunResult {
    ReadStats source;  // from the one reader: frames decoded once, whatever the branch count
    std::vector<std::string> outputs;
    std::vector<std::string> warnings;  // the graph's own (validation) and every node's
    std::vector<QcResult> qc;           // each checking analyser's findings, in graph order
    // Where the time went: "decode", then every step in pipeline order, named "ID (TYPE)" for
    // a node (its finish() counted with it: an encoder's flush, a report's writing) and by its
    // plan() line for an inserted conversion.
    RunStats stats;
};

// A validated graph with its source open, formats negotiated and sinks ready.
class Graph {
  public:
    // Checks everything that can be checked before decoding: node types, parameters (type,
    // range, required), ids, inputs, cycles, the source file, and formats (inserting the
    // fewest conversions each branch needs). Throws InputError naming the node (and the
    // spec's line); OutputError when a sink's target cannot be written.
    Graph(const GraphSpec& spec, const FilterRegistry& registry, const GraphOptions& options,
          const CancelToken& cancel);
    ~Graph();
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    // One line per step in execution order, e.g. "proxy: scale (yuv422p10 1920x1080 ->
    // yuv422p10 1280x720)" and "convert src yuv422p10 -> rgb48 for vignette".
    [[nodiscard]] std::vector<std::string> plan() const;
    // What validation noticed but did not refuse (a branch whose output goes nowhere).
    [[nodiscard]] const std::vector<std::string>& warnings() const;
    // Number of pixel-format conversions the graph inserted.
    [[nodiscard]] int conversions() const;

    // Decodes the source once and runs every branch. Outputs are renamed into place only
    // after every node completed its own: an error or cancellation leaves no output at all.
    GraphRunResult run();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cinepipe
