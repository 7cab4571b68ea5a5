// Reading graph specs. JSON is parsed as the YAML subset it is (after a strict JSON syntax
// check), so both formats go through one tree with line marks and one set of messages.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cinepipe/error.h"
#include "cinepipe/graph.h"

namespace cinepipe {

namespace {

int line_of(const YAML::Node& node) {
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
}

[[noreturn]] void fail(const std::string& name, int line, const std::string& what) {
    if (line > 0) throw InputError(fmt::format("{}:{}: {}", name, line, what));
    throw InputError(fmt::format("{}: {}", name, what));
}

bool valid_id(const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

std::string scalar(const std::string& name, const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) fail(name, line_of(node), what + " must be a single value");
    return node.Scalar();
}

// YAML and JSON parsers keep the last of two equal keys; in a spec that silently drops the
// first value, so it is refused.
void reject_duplicate_keys(const std::string& name, const YAML::Node& map,
                           const std::string& where) {
    std::map<std::string, int> seen;
    for (const auto& kv : map) {
        const std::string key = kv.first.Scalar();
        const int line = line_of(kv.first);
        if (const auto it = seen.find(key); it != seen.end())
            fail(name, line,
                 fmt::format("{}: '{}' is given twice (also on line {})", where, key, it->second));
        seen[key] = line;
    }
}

NodeSpec parse_node(const std::string& name, const YAML::Node& n, std::size_t position) {
    NodeSpec spec;
    spec.line = line_of(n);
    const std::string where = fmt::format("node #{}", position + 1);
    if (!n.IsMap())
        fail(name, spec.line, where + " must be a mapping with id, type, params, inputs");
    reject_duplicate_keys(name, n, where);
    for (const auto& kv : n) {
        const std::string key = kv.first.Scalar();
        if (key != "id" && key != "type" && key != "params" && key != "inputs" && key != "input")
            fail(name, line_of(kv.first),
                 fmt::format("{}: unknown key '{}' (a node has id, type, params, inputs)", where,
                             key));
    }
    if (!n["id"]) fail(name, spec.line, where + " has no 'id'");
    spec.id = scalar(name, n["id"], where + ": 'id'");
    if (!valid_id(spec.id))
        fail(name, line_of(n["id"]),
             fmt::format("node id '{}' may use only letters, digits, '_' and '-'", spec.id));
    const std::string who = fmt::format("node '{}'", spec.id);
    if (!n["type"]) fail(name, spec.line, who + " has no 'type'");
    spec.type = scalar(name, n["type"], who + ": 'type'");
    if (const YAML::Node params = n["params"]; params && !params.IsNull()) {
        if (!params.IsMap()) fail(name, line_of(params), who + ": 'params' must be a mapping");
        reject_duplicate_keys(name, params, fmt::format("{} ({}): params", who, spec.type));
        for (const auto& kv : params) {
            const std::string key = kv.first.Scalar();
            const YAML::Node& v = kv.second;
            if (!v.IsScalar())
                fail(name, line_of(v),
                     fmt::format("{} ({}): parameter '{}' must be a single value", who, spec.type,
                                 key));
            spec.params[key] = RawValue{v.Scalar(), v.Tag() == "!"};
            spec.param_lines[key] = line_of(v);
        }
    }
    const YAML::Node inputs = n["inputs"] ? n["inputs"] : n["input"];
    if (n["inputs"] && n["input"])
        fail(name, spec.line, who + ": give 'inputs' or 'input', not both");
    if (inputs && !inputs.IsNull()) {
        if (inputs.IsScalar()) {
            spec.inputs.push_back(inputs.Scalar());
        } else if (inputs.IsSequence()) {
            for (const auto& i : inputs) spec.inputs.push_back(scalar(name, i, who + ": an input"));
        } else {
            fail(name, line_of(inputs), who + ": 'inputs' must be a node id or a list of them");
        }
    }
    return spec;
}

std::size_t line_at_offset(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(
                   text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

bool looks_like_json(const std::string& name, const std::string& text) {
    std::string ext = name.size() >= 5 ? name.substr(name.size() - 5) : "";
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".json") return true;
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string::npos && text[first] == '{';
}

}  // namespace

GraphSpec parse_graph_spec(const std::string& text, const std::string& name) {
    std::string yaml_text = text;
    if (looks_like_json(name, text)) {
        // Strict JSON first: YAML would accept things JSON does not (comments, bare words).
        try {
            const auto parsed = nlohmann::json::parse(text);
            (void)parsed;
        } catch (const nlohmann::json::parse_error& e) {
            std::string what = e.what();
            if (const auto p = what.find("parse error"); p != std::string::npos)
                what = what.substr(p);
            fail(name, static_cast<int>(line_at_offset(text, e.byte > 0 ? e.byte - 1 : 0)),
                 "not valid JSON: " + what);
        }
        // JSON strings cannot hold raw tabs, so tabs are whitespace, which YAML wants as spaces.
        std::replace(yaml_text.begin(), yaml_text.end(), '\t', ' ');
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        fail(name, e.mark.is_null() ? 0 : e.mark.line + 1, "not valid YAML: " + e.msg);
    }
    if (!root || root.IsNull()) fail(name, 0, "is empty; a graph needs 'nodes'");
    if (!root.IsMap()) fail(name, line_of(root), "must be a mapping with 'nodes'");
    reject_duplicate_keys(name, root, "the graph");
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        if (key != "nodes" && key != "version" && key != "description")
            fail(name, line_of(kv.first),
                 fmt::format("unknown key '{}' (a graph has version, description, nodes)", key));
    }
    if (const YAML::Node v = root["version"]; v && (!v.IsScalar() || v.Scalar() != "1"))
        fail(name, line_of(v), "unsupported graph version (this cinepipe reads version 1)");
    const YAML::Node nodes = root["nodes"];
    if (!nodes || !nodes.IsSequence() || nodes.size() == 0)
        fail(name, nodes ? line_of(nodes) : line_of(root), "'nodes' must be a non-empty list");
    GraphSpec spec;
    spec.path = name;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        NodeSpec node = parse_node(name, nodes[i], i);
        for (const auto& other : spec.nodes)
            if (other.id == node.id)
                fail(name, node.line,
                     fmt::format("node id '{}' is used twice (first on line {})", node.id,
                                 other.line));
        spec.nodes.push_back(std::move(node));
    }
    return spec;
}

GraphSpec load_graph_spec(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open graph spec (" + std::strerror(errno) + ")");
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) throw InputError(path + ": cannot read graph spec");
    return parse_graph_spec(text.str(), path);
}

void apply_override(GraphSpec& spec, const std::string& assignment) {
    const auto eq = assignment.find('=');
    const auto dot = assignment.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 ||
        dot + 1 == eq)
        throw InputError("--set " + assignment + ": expected NODE.PARAM=VALUE");
    const std::string id = assignment.substr(0, dot);
    const std::string param = assignment.substr(dot + 1, eq - dot - 1);
    const std::string value = assignment.substr(eq + 1);
    for (auto& node : spec.nodes) {
        if (node.id != id) continue;
        node.params[param] = RawValue{value, false};
        node.param_lines[param] = 0;
        return;
    }
    std::string ids;
    for (const auto& node : spec.nodes) ids += (ids.empty() ? "" : ", ") + node.id;
    throw InputError(fmt::format("--set {}: no node '{}' in {} (nodes: {})", assignment, id,
                                 spec.path.empty() ? "the graph" : spec.path, ids));
}

}  // namespace cinepipe
