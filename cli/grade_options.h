#pragma once
// The grading options `grade` and `proxy` share (OCIO conversion, CDL, LUTs, per-shot grades
// from a .ccc or ALE) and the graph nodes they become.

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cinepipe/graph.h"

namespace cinepipe::cli {

struct GradeOptions {
    std::string config;
    std::string from;
    std::string to;
    std::string display;
    std::string view;
    std::string look;
    std::string cdl;
    std::string cdl_id;
    std::string ale;
    std::string slope;
    std::string offset;
    std::string power;
    std::string sat;
    struct Lut {
        std::string path;
        bool inverse = false;
    };
    std::vector<Lut> luts;  // in command-line order, forward and inverse interleaved
    std::string lut_interpolation = "tetrahedral";
    std::string rate = "24";  // image sequences without a rate
};

// Registers --ocio --from --to --display --view --look --cdl --cdl-id --ale --slope --offset
// --power --sat --lut --inverse-lut --lut-interpolation --fps.
void add_grade_options(CLI::App& app, const std::shared_ptr<GradeOptions>& g);

// A node with string parameters as the user typed them.
NodeSpec node(const std::string& id, const std::string& type, const std::string& input,
              std::map<std::string, std::string> params);

// Appends the grading nodes (ocio, cdl, lut1...) after node `input`; returns the last node's id
// (`input` itself when nothing grades). `clip` picks the per-shot grade of a .ccc or ALE.
// Throws InputError for conflicting options or a clip no grade matches.
std::string add_grade_nodes(GraphSpec& spec, const GradeOptions& a, const std::string& input,
                            const std::string& clip);

}  // namespace cinepipe::cli
