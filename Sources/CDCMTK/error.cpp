// Errors handed to the caller (cdcmtk_error_*), and the conversion of C++ exceptions into them.

#include "shim.h"

#include <exception>
#include <new>

namespace cdcmtk {

void set_error(cdcmtk_error **error_out, cdcmtk_error_code code, std::string message) noexcept {
    if (error_out == nullptr) return;
    try {
        *error_out = new cdcmtk_error{code, std::move(message)};
    } catch (...) {
        *error_out = nullptr;
    }
}

void set_error_from_exception(cdcmtk_error **error_out, const char *during) noexcept {
    try {
        throw;
    } catch (const std::bad_alloc &) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, std::string("out of memory while ") + during);
    } catch (const std::exception &exception) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, exception.what());
    } catch (...) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, std::string("unknown C++ exception while ") + during);
    }
}

}  // namespace cdcmtk

extern "C" {

cdcmtk_error_code cdcmtk_error_get_code(const cdcmtk_error *error) { return error->code; }

const char *cdcmtk_error_get_message(const cdcmtk_error *error) { return error->message.c_str(); }

void cdcmtk_error_free(cdcmtk_error *error) { delete error; }

}  // extern "C"
