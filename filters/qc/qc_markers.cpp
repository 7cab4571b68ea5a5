// QC events as markers for editors (docs/qc.md, "Markers for editors"): an EDL in the shape
// DaVinci Resolve gives "Timeline Markers to EDL" (and reads back with "Timeline Markers from
// EDL"), and a CSV for spreadsheets and scripts. Both place each event at the clip's own
// timecode, so the markers land on the right frames of a timeline that starts at the clip's
// start timecode.

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <string_view>

#include "cinepipe/qc.h"

namespace cinepipe {

namespace {

// The timecode of decoded frame `frame`. The readers give every source one (from 00:00:00:00
// when the file has none); frames that came without any are counted from zero the same way.
Timecode marker_timecode(const QcResult& r, const MediaInfo& source, std::int64_t frame) {
    if (auto tc = r.timecode_of(frame)) return *tc;
    Rational rate{24, 1};
    if (source.video && source.video->frame_rate.num > 0 && source.video->frame_rate.den > 0)
        rate = source.video->frame_rate;
    return Timecode(rate, false, frame);
}

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

// EDL text is 7-bit ASCII in fixed fields and one line per record: '|' separates Resolve's
// marker fields, line breaks end the record, and other software reads bytes, not UTF-8.
std::string edl_text(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xB1) {
            out += "+/-";  // "±", the one non-ASCII character the checks' messages use
            ++i;
        } else if (c >= 0x80) {
            if ((c & 0xC0) != 0x80) out += '?';  // one '?' per code point, not per byte
        } else if (c == '|') {
            out += '/';
        } else if (std::iscntrl(c)) {
            out += ' ';
        } else {
            out += static_cast<char>(c);
        }
    }
    // Runs of spaces (from line breaks and tabs) as one; none at either end.
    std::string tidy;
    for (const char c : out)
        if (c != ' ' || (!tidy.empty() && tidy.back() != ' ')) tidy += c;
    while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    return tidy;
}

// CMX3600 reel names are at most 8 characters of letters, digits and '_' (a space would split
// the fixed fields): the source's reel, else its clip name, else the file name's stem, cut to
// 8, anything else as '_'. Case is kept: conforms match reels as written.
std::string reel_of(const MediaInfo& source) {
    std::string name = source.reel_name;
    if (name.empty()) name = source.clip_name;
    if (name.empty()) name = std::filesystem::path(source.path).stem().string();
    std::string reel;
    for (const char ch : name) {
        if (reel.size() == 8) break;
        const auto c = static_cast<unsigned char>(ch);
        reel += std::isalnum(c) ? ch : '_';
    }
    return reel.empty() ? "AX" : reel;  // AX: the conventional "auxiliary source" reel
}

const char* resolve_color(Severity s) {
    switch (s) {
        case Severity::Error:
            return "ResolveColorRed";
        case Severity::Warning:
            return "ResolveColorYellow";
        default:
            return "ResolveColorBlue";
    }
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

}  // namespace

std::string qc_markers_edl(const QcResult& r, const MediaInfo& source) {
    const bool drop = marker_timecode(r, source, 0).drop_frame();
    // CMX3600 titles are at most 70 characters.
    const std::string title = edl_text(file_name(source.path) + " QC").substr(0, 70);
    std::string text =
        fmt::format("TITLE: {}\nFCM: {}\n\n", title, drop ? "DROP FRAME" : "NON-DROP FRAME");
    const std::string reel = reel_of(source);
    int number = 0;
    for (const auto& e : r.events) {
        // A one-frame event at the event's first frame, source and record alike: Resolve makes
        // a marker at the record in point, |D: gives its length.
        const Timecode in = marker_timecode(r, source, e.start_frame);
        const std::string from = in.to_string();
        const std::string to = in.advanced(1).to_string();
        // Resolve's own layout: number, reel in 8 columns, track, transition, four timecodes.
        text += fmt::format("{:03}  {:<8} {:<5} {:<8} {} {} {} {}  \n", ++number, reel, "V", "C",
                            from, to, from, to);
        text +=
            fmt::format(" |C:{} |M:{}: {} |D:{}\n\n", resolve_color(e.severity), edl_text(e.check),
                        edl_text(e.message), e.end_frame - e.start_frame + 1);
    }
    return text;
}

std::string qc_markers_csv(const QcResult& r, const MediaInfo& source) {
    // RFC 4180 records end in CRLF.
    std::string text =
        "timecode_in,timecode_out,frame_in,frame_out,duration_frames,check,severity,message\r\n";
    for (const auto& e : r.events)
        text += fmt::format("{},{},{},{},{},{},{},{}\r\n",
                            marker_timecode(r, source, e.start_frame).to_string(),
                            marker_timecode(r, source, e.end_frame).to_string(), e.start_frame,
                            e.end_frame, e.end_frame - e.start_frame + 1, csv_field(e.check),
                            to_string(e.severity), csv_field(e.message));
    return text;
}

}  // namespace cinepipe
