// Graph specs are validated in full before any frame is decoded, and every problem is one
// line naming the node (and its line in the file).

#include <gtest/gtest.h>

#include <fstream>

#include "cinepipe/builtin_filters.h"
#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "clip_fixture.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

class GraphSpecTest : public ::testing::Test {
  protected:
    void SetUp() override {
        register_builtin_filters(registry_);
        clip_ = dir_ / "clip.mkv";
        test::write_clip(clip_, "ffv1", test::small_clip(128, 72, 6));
    }

    // The one-line error building this graph gives ("" when it builds).
    std::string error_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
        try {
            GraphSpec spec = parse_graph_spec(yaml, "g.yaml");
            for (const auto& s : sets) apply_override(spec, s);
            CancelToken cancel;
            Graph graph(spec, registry_, {}, cancel);
        } catch (const InputError& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
            return what;
        }
        return "";
    }

    std::string src() const {
        return "  - {id: src, type: source, params: {path: " + clip_ + "}}\n";
    }
    std::string sink(const std::string& input = "src") const {
        return "  - {id: out, type: framemd5, inputs: [" + input +
               "], params: {path: " + dir_ / "out.md5" + "}}\n";
    }

    TempDir dir_;
    std::string clip_;
    FilterRegistry registry_;
};

TEST_F(GraphSpecTest, AValidGraphBuildsAndPlansItsSteps) {
    EXPECT_EQ(error_of("nodes:\n" + src() + sink()), "");
}

TEST_F(GraphSpecTest, UnknownNodeTypeNamesNodeLineAndNearestType) {
    const auto e = error_of("nodes:\n" + src() +
                            "  - id: small\n    type: scal\n    inputs: [src]\n" + sink("small"));
    EXPECT_NE(e.find("g.yaml:3: node 'small' (scal): unknown node type"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'scale'"), std::string::npos) << e;
}

TEST_F(GraphSpecTest, UnknownParameterPointsAtItsLine) {
    const auto e = error_of("nodes:\n" + src() +
                            "  - id: small\n    type: scale\n    inputs: [src]\n    params:\n"
                            "      widht: 64\n" +
                            sink("small"));
    EXPECT_NE(e.find("g.yaml:7: node 'small' (scale): unknown parameter 'widht'"),
              std::string::npos)
        << e;
}

TEST_F(GraphSpecTest, IllTypedParameterSaysWhatIsAllowed) {
    const auto e = error_of("nodes:\n" + src() +
                            "  - id: small\n    type: scale\n    inputs: [src]\n    params:\n"
                            "      width: big\n" +
                            sink("small"));
    EXPECT_NE(e.find("g.yaml:7: node 'small' (scale): parameter 'width' must be an integer in 0.."),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("got 'big'"), std::string::npos) << e;
}

TEST_F(GraphSpecTest, OutOfRangeAndQuotedNumbersAreRejected) {
    auto e = error_of("nodes:\n" + src() +
                      "  - {id: small, type: scale, inputs: [src], params: {width: -4}}\n" +
                      sink("small"));
    EXPECT_NE(e.find("node 'small' (scale): parameter 'width' must be an integer in 0.."),
              std::string::npos)
        << e;
    e = error_of("nodes:\n" + src() +
                 "  - {id: small, type: scale, inputs: [src], params: {width: \"64\"}}\n" +
                 sink("small"));
    EXPECT_NE(e.find("got \"64\""), std::string::npos) << e;
}

TEST_F(GraphSpecTest, MissingRequiredParameter) {
    const auto e = error_of("nodes:\n" + src() + "  - {id: master, type: writer, inputs: [src]}\n");
    EXPECT_NE(e.find("g.yaml:3: node 'master' (writer): missing required parameter 'path'"),
              std::string::npos)
        << e;
}

TEST_F(GraphSpecTest, Cycle) {
    const auto e = error_of("nodes:\n" + src() +
                            "  - {id: a, type: passthrough, inputs: [b]}\n"
                            "  - {id: b, type: passthrough, inputs: [a]}\n" +
                            sink("b"));
    EXPECT_NE(e.find("is part of a cycle"), std::string::npos) << e;
    EXPECT_NE(e.find("node 'a'"), std::string::npos) << e;
}

TEST_F(GraphSpecTest, UnconnectedAndUnknownInputs) {
    auto e = error_of("nodes:\n" + src() + "  - {id: p, type: passthrough}\n" + sink("p"));
    EXPECT_NE(e.find("g.yaml:3: node 'p' (passthrough): input not connected"), std::string::npos)
        << e;
    e = error_of("nodes:\n" + src() + sink("nowhere"));
    EXPECT_NE(e.find("node 'out' (framemd5): input 'nowhere' is not a node of this graph"),
              std::string::npos)
        << e;
}

TEST_F(GraphSpecTest, MissingInputFileNamesTheSourceNode) {
    const auto e = error_of("nodes:\n  - id: src\n    type: source\n    params:\n      path: " +
                            dir_ / "nope.mov" + "\n" + sink());
    EXPECT_NE(e.find("g.yaml:5: node 'src' (source): "), std::string::npos) << e;
    EXPECT_NE(e.find("nope.mov"), std::string::npos) << e;
}

TEST_F(GraphSpecTest, ShapeErrors) {
    EXPECT_NE(error_of("nodes:\n" + src() + src() + sink()).find("node id 'src' is used twice"),
              std::string::npos);
    EXPECT_NE(error_of("nodes:\n" + src()).find("has no sink or analyser"), std::string::npos);
    EXPECT_NE(error_of("nodes:\n" + sink("x")).find("has no source"), std::string::npos);
    EXPECT_NE(error_of("nodes:\n" + src() + "  - {id: a, type: discard, inputs: [src]}\n" +
                       "  - {id: b, type: passthrough, inputs: [a]}\n" + sink("b"))
                  .find("input 'a' is a sink (discard), which has no video output"),
              std::string::npos);
    EXPECT_NE(error_of("nodes:\n" + src() + "  - {id: x, type: scale, inputs: [src], parms: {}}\n")
                  .find("g.yaml:3: node #2: unknown key 'parms'"),
              std::string::npos);
    // Two sinks writing one file would replace each other.
    const std::string md5 = dir_ / "same.md5";
    EXPECT_NE(error_of("nodes:\n" + src() +
                       "  - {id: a, type: framemd5, inputs: [src], params: {path: " + md5 + "}}\n" +
                       "  - {id: b, type: framemd5, inputs: [src], params: {path: " + md5 + "}}\n")
                  .find("node 'b' (framemd5): " + md5 + ": node 'a' writes this file too"),
              std::string::npos);
    // ... and a sink over the source would destroy it.
    EXPECT_NE(error_of("nodes:\n" + src() +
                       "  - {id: w, type: writer, inputs: [src], params: {path: " + clip_ +
                       ", overwrite: true}}\n")
                  .find("is the graph's source"),
              std::string::npos);
}

TEST_F(GraphSpecTest, ATransformCannotMakeAPictureItsFormatCannotHold) {
    // 127 columns of 4:2:2 would fail much later, inside an encoder, with a vaguer message.
    const auto e = error_of("nodes:\n" + src() +
                            "  - {id: narrow, type: scale, inputs: [src], params: {width: 127, "
                            "height: 72}}\n" +
                            sink("narrow"));
    EXPECT_NE(e.find("node 'narrow' (scale): would produce a 127x72 yuv422p10 picture"),
              std::string::npos)
        << e;
}

TEST_F(GraphSpecTest, DuplicateKeysAreRefusedNotSilentlyDropped) {
    auto e = error_of("nodes:\n" + src() +
                      "  - id: small\n    type: scale\n    inputs: [src]\n    params:\n"
                      "      width: 64\n      width: 32\n" +
                      sink("small"));
    EXPECT_NE(e.find("g.yaml:8: node 'small' (scale): params: 'width' is given twice (also on "
                     "line 7)"),
              std::string::npos)
        << e;
    try {
        (void)parse_graph_spec(
            "{\"nodes\": [{\"id\": \"a\", \"id\": \"b\", \"type\": \"source\"}]}", "g.json");
        FAIL() << "accepted a duplicate key";
    } catch (const InputError& err) {
        EXPECT_NE(std::string(err.what()).find("'id' is given twice"), std::string::npos)
            << err.what();
    }
}

TEST_F(GraphSpecTest, SyntaxErrorsGiveTheLine) {
    try {
        (void)parse_graph_spec("{\n  \"nodes\": [\n    {\"id\": \"src\",}\n  ]\n}\n", "g.json");
        FAIL() << "accepted broken JSON";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("g.json:3: not valid JSON", 0), 0u) << e.what();
    }
    try {
        (void)parse_graph_spec("nodes:\n  - id: src\n    type: [unclosed\n", "g.yaml");
        FAIL() << "accepted broken YAML";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("g.yaml:"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not valid YAML"), std::string::npos) << e.what();
    }
}

TEST_F(GraphSpecTest, JsonAndYamlGiveTheSameGraphWithLines) {
    const std::string json =
        "{\n\t\"version\": 1,\n\t\"nodes\": [\n\t\t{\"id\": \"src\", \"type\": "
        "\"source\", \"params\": {\"path\": \"a.mov\", \"audio\": false}},\n"
        "\t\t{\"id\": \"s\", \"type\": \"scale\", \"inputs\": [\"src\"],\n"
        "\t\t \"params\": {\"width\": 640, \"filter\": \"bicubic\"}}\n\t]\n}\n";
    const std::string yaml =
        "version: 1\nnodes:\n  - id: src\n    type: source\n    params: {path: "
        "a.mov, audio: false}\n  - id: s\n    type: scale\n    input: src\n"
        "    params:\n      width: 640\n      filter: bicubic\n";
    const GraphSpec a = parse_graph_spec(json, "g.json");
    const GraphSpec b = parse_graph_spec(yaml, "g.yaml");
    ASSERT_EQ(a.nodes.size(), 2u);
    ASSERT_EQ(b.nodes.size(), 2u);
    for (const GraphSpec* g : {&a, &b}) {
        EXPECT_EQ(g->nodes[1].type, "scale");
        EXPECT_EQ(g->nodes[1].inputs, std::vector<std::string>{"src"});
        EXPECT_EQ(g->nodes[1].params.at("width").text, "640");
        EXPECT_FALSE(g->nodes[1].params.at("width").quoted);
        EXPECT_TRUE(g->nodes[0].params.at("path").quoted || g == &b);
    }
    EXPECT_EQ(a.nodes[1].line, 5);
    EXPECT_EQ(a.nodes[1].param_lines.at("width"), 6);
    EXPECT_EQ(b.nodes[1].line, 6);
    EXPECT_EQ(b.nodes[1].param_lines.at("width"), 10);
}

TEST_F(GraphSpecTest, SetOverridesAreTypedAndChecked) {
    const std::string yaml = "nodes:\n" + src() +
                             "  - {id: small, type: scale, inputs: [src], params: {width: 64}}\n" +
                             sink("small");
    GraphSpec spec = parse_graph_spec(yaml, "g.yaml");
    apply_override(spec, "small.width=32");
    EXPECT_EQ(spec.nodes[1].params.at("width").text, "32");
    EXPECT_EQ(error_of(yaml, {"small.width=32"}), "");
    EXPECT_NE(
        error_of(yaml, {"small.width=wide"}).find("node 'small' (scale): --set: parameter 'width'"),
        std::string::npos);
    EXPECT_THROW(apply_override(spec, "nosuch.width=3"), InputError);
    EXPECT_THROW(apply_override(spec, "small-width"), InputError);
}

// A transform that takes only 4:2:0, to check negotiation against a picture it cannot fit.
class Only420 final : public Node {
  public:
    std::vector<PixelFormat> accepted_formats(const StreamDesc&) override {
        return {PixelFormat::Yuv420p10};
    }
    StreamDesc configure(const StreamDesc& in) override { return in; }
};

TEST_F(GraphSpecTest, FormatNoConversionCanSatisfy) {
    FilterInfo f;
    f.name = "only420";
    f.version = "1.0";
    f.create = [](const ParamSet&, const NodeContext&) { return std::make_unique<Only420>(); };
    registry_.add(f);
    // 127 columns cannot be 4:2:0.
    SyntheticOptions o = test::small_clip(128, 72, 2);
    o.format = PixelFormat::Yuv444p10;
    const std::string odd = dir_ / "odd.mkv";
    test::write_clip(odd, "ffv1", o);
    const auto e = error_of("nodes:\n  - {id: src, type: source, params: {path: " + odd +
                            "}}\n  - {id: cut, type: crop, inputs: [src], params: {width: 127}}\n"
                            "  - {id: odd, type: only420, inputs: [cut]}\n" +
                            sink("odd"));
    EXPECT_NE(e.find("node 'odd' (only420): no conversion gives it a format it takes: a 127x72"),
              std::string::npos)
        << e;
}

}  // namespace
}  // namespace cinepipe
