#include "mhl_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <pugixml.hpp>
#include <sstream>

#include "cinepipe/error.h"

namespace cinepipe::mhl {

namespace {

// An XML file held with its text, so byte offsets from pugixml become line numbers.
struct XmlFile {
    std::string path;
    std::string text;
    pugi::xml_document doc;

    [[nodiscard]] int line_at(std::ptrdiff_t offset) const {
        if (offset < 0) return 0;
        const auto end = text.begin() + std::min<std::ptrdiff_t>(offset, std::ssize(text));
        return 1 + static_cast<int>(std::count(text.begin(), end, '\n'));
    }
    [[nodiscard]] int line_of(const pugi::xml_node& node) const {
        return line_at(node.offset_debug());
    }
    [[noreturn]] void fail(const pugi::xml_node& node, const std::string& what) const {
        const int line = line_of(node);
        throw InputError(path + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
    }
};

void load(XmlFile& xml) {
    std::ifstream in(xml.path, std::ios::binary);
    if (!in) throw InputError(xml.path + ": cannot open (" + std::strerror(errno) + ")");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw InputError(xml.path + ": read failed (" + std::strerror(errno) + ")");
    xml.text = s.str();
    const pugi::xml_parse_result r = xml.doc.load_buffer(xml.text.data(), xml.text.size(),
                                                         pugi::parse_default, pugi::encoding_utf8);
    if (!r)
        throw InputError(xml.path + ":" + std::to_string(xml.line_at(r.offset)) +
                         ": malformed XML (" + r.description() + ")");
}

// The element name without a namespace prefix.
std::string local_name(const pugi::xml_node& node) {
    const std::string name = node.name();
    const auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, const std::string& name) {
    for (const auto& c : parent.children())
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    return {};
}

std::string text_of(const pugi::xml_node& node) {
    std::string t = node.text().get();
    // Pretty-printers may wrap values; surrounding white space is never part of a hash.
    const auto first = t.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return t.substr(first, t.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<std::int64_t> to_int(const char* text) {
    if (!text || !*text) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 0) return std::nullopt;
    return v;
}

pugi::xml_node root_element(const XmlFile& xml, const std::string& name, const char* what) {
    const pugi::xml_node root = xml.doc.document_element();
    if (!root || local_name(root) != name)
        xml.fail(root, std::string("not ") + what + " (the root element is <" +
                           (root ? root.name() : "") + ">, not <" + name + ">)");
    return root;
}

}  // namespace

std::vector<ChainLink> read_chain(const std::string& chain_path) {
    XmlFile xml;
    xml.path = chain_path;
    load(xml);
    const pugi::xml_node root = root_element(xml, "ascmhldirectory", "an ASC MHL chain file");
    std::vector<ChainLink> links;
    for (const auto& h : root.children()) {
        if (h.type() != pugi::node_element || local_name(h) != "hashlist") continue;
        ChainLink link;
        link.line = xml.line_of(h);
        const auto seq = to_int(h.attribute("sequencenr").value());
        if (!seq || *seq > 1'000'000'000)
            xml.fail(h, "<hashlist> without a valid sequencenr attribute");
        link.generation = static_cast<int>(*seq);
        for (const auto& c : h.children()) {
            if (c.type() != pugi::node_element) continue;
            const std::string name = local_name(c);
            if (name == "path") {
                link.file = text_of(c);
            } else if (link.format.empty()) {
                link.format = name;
                link.hash = text_of(c);
            }
        }
        if (link.file.empty()) xml.fail(h, "<hashlist> without a <path>");
        if (link.format.empty()) xml.fail(h, "<hashlist> without a reference hash (<c4>)");
        links.push_back(std::move(link));
    }
    return links;
}

GenerationFile read_generation(const std::string& path, int generation) {
    XmlFile xml;
    xml.path = path;
    load(xml);
    const pugi::xml_node root = root_element(xml, "hashlist", "an ASC MHL hashlist");
    const std::string version = root.attribute("version").value();
    if (version != "2.0")
        xml.fail(root, "not ASC MHL v2 (hashlist version \"" + version + "\", expected \"2.0\")");

    GenerationFile g;
    g.path = path;
    g.generation = generation;
    const pugi::xml_node creator = child(root, "creatorinfo");
    if (!creator) xml.fail(root, "<hashlist> without <creatorinfo>");
    g.creation_date = text_of(child(creator, "creationdate"));
    g.hostname = text_of(child(creator, "hostname"));
    const pugi::xml_node tool = child(creator, "tool");
    g.tool = text_of(tool);
    g.tool_version = tool.attribute("version").value();
    const pugi::xml_node process = child(root, "processinfo");
    if (!process) xml.fail(root, "<hashlist> without <processinfo>");
    g.process = text_of(child(process, "process"));
    for (const auto& p : child(process, "ignore").children())
        if (p.type() == pugi::node_element && local_name(p) == "pattern")
            g.ignore_patterns.push_back(text_of(p));

    for (const auto& h : child(root, "hashes").children()) {
        if (h.type() != pugi::node_element || local_name(h) != "hash") continue;
        RecordedFile f;
        f.line = xml.line_of(h);
        for (const auto& c : h.children()) {
            if (c.type() != pugi::node_element) continue;
            const std::string name = local_name(c);
            if (name == "path") {
                // Not trimmed: a file name may really begin or end with a space.
                f.path = c.text().get();
                if (const auto size = c.attribute("size"); size) {
                    f.size = to_int(size.value());
                    if (!f.size)
                        xml.fail(c, "<path> with a bad size \"" + std::string(size.value()) + "\"");
                }
                f.last_modified = c.attribute("lastmodificationdate").value();
            } else if (name != "previousPath" && name != "metadata") {
                f.hashes.push_back({name, text_of(c), c.attribute("action").value()});
            }
        }
        if (f.path.empty()) xml.fail(h, "<hash> without a <path>");
        g.files.push_back(std::move(f));
    }
    return g;
}

}  // namespace cinepipe::mhl
