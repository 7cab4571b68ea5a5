#include "cinepipe/cancel.h"

#include "cinepipe/error.h"

namespace cinepipe {

void CancelToken::throw_if_cancelled() const {
    if (cancelled()) throw Cancelled();
}

}  // namespace cinepipe
