#include "cinepipe/output_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "atomic_file.h"
#include "cinepipe/error.h"

namespace cinepipe {

void write_file_atomically(const std::string& path, const std::string& contents, bool overwrite) {
    AtomicFile file(path, overwrite);
    {
        std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
        if (!out) throw OutputError(path + ": cannot create (" + std::strerror(errno) + ")");
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.flush();
        if (!out) throw OutputError(path + ": write failed (" + std::strerror(errno) + ")");
    }
    file.commit();
}

void check_output_path(const std::string& path, bool overwrite) {
    check_output_target(path, overwrite);
}

}  // namespace cinepipe
