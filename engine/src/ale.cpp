#include "cinepipe/ale.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cinepipe/error.h"

namespace cinepipe {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const auto tab = line.find('\t', pos);
        out.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
        if (tab == std::string::npos) break;
        pos = tab + 1;
    }
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
    s.erase(0, s.find_first_not_of(' '));
    return s;
}

// "(1.1 1.0 0.9)(0.01 0 -0.01)(1 1 1)", with or without spaces between the groups.
bool parse_sop(const std::string& text, Cdl& cdl) {
    double v[9];
    char end = 0;
    const int n = std::sscanf(text.c_str(), " (%lf %lf %lf ) (%lf %lf %lf ) (%lf %lf %lf ) %c", &v[0], &v[1],
                              &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &end);
    if (n != 9) return false;
    for (const double x : v)
        if (!std::isfinite(x)) return false;
    cdl.slope = {v[0], v[1], v[2]};
    cdl.offset = {v[3], v[4], v[5]};
    cdl.power = {v[6], v[7], v[8]};
    return true;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::vector<ShotGrade> load_ale(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open ALE");
    enum class Section { Start, Heading, Column, Data } section = Section::Start;
    std::vector<std::string> columns;
    int name_col = -1, tape_col = -1, file_col = -1, sop_col = -1, sat_col = -1;
    std::vector<ShotGrade> grades;
    std::string line;
    int number = 0;
    const auto fail = [&](const std::string& what) {
        throw InputError(fmt::format("{}:{}: {}", path, number, what));
    };
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line == "Heading") {
            section = Section::Heading;
            continue;
        }
        if (line == "Column") {
            section = Section::Column;
            continue;
        }
        if (line == "Data") {
            if (columns.empty()) fail("'Data' before a 'Column' line");
            section = Section::Data;
            continue;
        }
        if (line.empty()) continue;
        switch (section) {
            case Section::Start:
                fail("not an ALE file (expected 'Heading')");
                break;
            case Section::Heading:
                if (line.rfind("FIELD_DELIM", 0) == 0 && line.find("TABS") == std::string::npos)
                    fail("only tab-delimited ALEs are supported (FIELD_DELIM TABS)");
                break;
            case Section::Column:
                if (!columns.empty()) fail("a second column line");
                columns = split_tabs(line);
                for (std::size_t i = 0; i < columns.size(); ++i) {
                    const std::string c = lower(trim(columns[i]));
                    const int at = static_cast<int>(i);
                    if (c == "name") name_col = at;
                    if (c == "tape") tape_col = at;
                    if (c == "source file") file_col = at;
                    if (c == "asc_sop") sop_col = at;
                    if (c == "asc_sat") sat_col = at;
                }
                if (name_col < 0) fail("no 'Name' column");
                if (sop_col < 0) fail("no 'ASC_SOP' column: this ALE carries no grades");
                break;
            case Section::Data: {
                const auto cells = split_tabs(line);
                const auto cell = [&](int col) {
                    return col >= 0 && static_cast<std::size_t>(col) < cells.size()
                               ? trim(cells[static_cast<std::size_t>(col)])
                               : std::string();
                };
                const std::string sop = cell(sop_col);
                if (sop.empty()) break;  // an ungraded row
                ShotGrade g;
                g.name = cell(name_col);
                g.tape = cell(tape_col);
                g.source_file = cell(file_col);
                g.line = number;
                g.cdl.id = g.name;
                if (!parse_sop(sop, g.cdl))
                    fail(fmt::format("clip '{}': ASC_SOP '{}' is not (s s s)(o o o)(p p p)", g.name, sop));
                if (const std::string sat = cell(sat_col); !sat.empty()) {
                    char* end = nullptr;
                    g.cdl.saturation = std::strtod(sat.c_str(), &end);
                    if (end == sat.c_str() || *end != '\0' || !std::isfinite(g.cdl.saturation) ||
                        g.cdl.saturation < 0)
                        fail(fmt::format("clip '{}': ASC_SAT '{}' is not a number >= 0", g.name, sat));
                }
                grades.push_back(std::move(g));
                break;
            }
        }
    }
    if (section != Section::Data) throw InputError(path + ": not an ALE file (no 'Data' section)");
    return grades;
}

}  // namespace cinepipe
