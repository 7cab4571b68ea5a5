#include "bwf_ixml.h"

#include <array>
#include <cstring>
#include <fstream>
#include <pugixml.hpp>
#include <vector>

namespace cinepipe {

namespace {

constexpr std::uint32_t kMaxIxmlBytes = 4u << 20;

std::uint32_t le32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}
std::uint64_t le64(const unsigned char* p) {
    return std::uint64_t(le32(p)) | std::uint64_t(le32(p + 4)) << 32;
}

std::optional<std::int64_t> to_int(const char* text) {
    if (!text || !*text) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(text, &end, 10);
    while (end && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')) ++end;
    if (end == text || (end && *end)) return std::nullopt;
    return v;
}

std::optional<Rational> to_rate(const std::string& text) {
    const auto slash = text.find('/');
    const auto num = to_int(text.substr(0, slash).c_str());
    const auto den = slash == std::string::npos ? std::optional<std::int64_t>(1)
                                                : to_int(text.substr(slash + 1).c_str());
    if (!num || !den || *num <= 0 || *den <= 0) return std::nullopt;
    return Rational{*num, *den};
}

std::optional<IxmlInfo> parse(const std::vector<char>& xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
    const pugi::xml_node root = doc.child("BWFXML");
    if (!root) return std::nullopt;
    IxmlInfo info;
    info.scene = root.child_value("SCENE");
    info.take = root.child_value("TAKE");
    info.tape = root.child_value("TAPE");
    const pugi::xml_node speed = root.child("SPEED");
    if (!speed) return info;
    info.timecode_rate = to_rate(speed.child_value("TIMECODE_RATE"));
    const std::string flag = speed.child_value("TIMECODE_FLAG");
    info.drop_frame = flag == "DF";
    const auto hi = to_int(speed.child_value("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI"));
    const auto lo = to_int(speed.child_value("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO"));
    auto rate = to_int(speed.child_value("TIMESTAMP_SAMPLE_RATE"));
    if (!rate) rate = to_int(speed.child_value("FILE_SAMPLE_RATE"));
    // HI/LO are the two 32-bit halves; a time of day is under 24 hours of samples.
    if (hi && lo && rate && *hi >= 0 && *hi <= 0xFFFFFFFFLL && *lo >= 0 && *lo <= 0xFFFFFFFFLL &&
        *rate > 0 && *rate <= 768000) {
        const std::uint64_t samples =
            (static_cast<std::uint64_t>(*hi) << 32) | static_cast<std::uint64_t>(*lo);
        if (samples < static_cast<std::uint64_t>(*rate) * 86400) {
            info.samples_since_midnight = static_cast<std::int64_t>(samples);
            info.timestamp_rate = static_cast<int>(*rate);
        }
    }
    return info;
}

}  // namespace

std::optional<IxmlInfo> read_ixml(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 12> head{};
    if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) return std::nullopt;
    const bool rf64 = !std::memcmp(head.data(), "RF64", 4) || !std::memcmp(head.data(), "BW64", 4);
    if ((std::memcmp(head.data(), "RIFF", 4) && !rf64) || std::memcmp(head.data() + 8, "WAVE", 4))
        return std::nullopt;
    std::uint64_t rf64_data_size = 0;
    // Top-level chunks, each padded to an even size. RF64 gives the sizes that do not fit 32
    // bits (the data chunk's) in its ds64 chunk.
    for (int chunks = 0; chunks < 4096; ++chunks) {
        std::array<unsigned char, 8> ch{};
        if (!in.read(reinterpret_cast<char*>(ch.data()), ch.size())) return std::nullopt;
        std::uint64_t size = le32(ch.data() + 4);
        if (!std::memcmp(ch.data(), "ds64", 4) && rf64 && size >= 16) {
            std::array<unsigned char, 16> ds{};
            if (!in.read(reinterpret_cast<char*>(ds.data()), ds.size())) return std::nullopt;
            rf64_data_size = le64(ds.data() + 8);
            in.seekg(static_cast<std::streamoff>(size - 16 + (size & 1)), std::ios::cur);
            continue;
        }
        if (!std::memcmp(ch.data(), "data", 4) && rf64 && size == 0xFFFFFFFFu)
            size = rf64_data_size;
        if (!std::memcmp(ch.data(), "iXML", 4)) {
            if (size == 0 || size > kMaxIxmlBytes) return std::nullopt;
            std::vector<char> xml(size);
            if (!in.read(xml.data(), static_cast<std::streamsize>(size))) return std::nullopt;
            return parse(xml);
        }
        in.seekg(static_cast<std::streamoff>(size + (size & 1)), std::ios::cur);
        if (!in) return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace cinepipe
