#include "lr_field.h"


const char *
lr_field_status_text(lr_field_status status)
{
    switch (status) {
    case LR_FIELD_OK:
        return "ok";
    case LR_FIELD_MISSING:
        return "field missing";
    case LR_FIELD_MALFORMED:
        return "malformed body";
    case LR_FIELD_DUPLICATE:
        return "field present more than once";
    case LR_FIELD_NOT_STRING:
        return "field is not a string";
    case LR_FIELD_TOO_LONG:
        return "field value too long";
    }

    return "unknown";
}
