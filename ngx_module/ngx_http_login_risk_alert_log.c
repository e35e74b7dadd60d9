
/*
 * nginx-login-risk: the alert log, one JSON line per inspected login,
 * written in the log phase so that it carries the response status.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_alert.h>


/* room for the fixed members; a member's text can grow six-fold when
 * escaped (\u00XX) */
#define NGX_HTTP_LOGIN_RISK_ALERT_BASE  4096


ngx_int_t
ngx_http_login_risk_log_handler(ngx_http_request_t *r)
{
    u_char                     *buf;
    size_t                      cap, len;
    ngx_http_login_risk_ctx_t  *ctx;

    ctx = ngx_http_login_risk_get_ctx(r);

    if (ctx == NULL || !ctx->inspected || ctx->alert_log == NULL) {
        return NGX_OK;
    }

    ctx->login.status = r->err_status ? r->err_status : r->headers_out.status;

    cap = NGX_HTTP_LOGIN_RISK_ALERT_BASE
          + 6 * (ngx_strlen(ctx->login.uri) + ngx_strlen(ctx->user));

    buf = ngx_pnalloc(r->pool, cap);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    len = lr_alert_format(&ctx->login, (char *) buf, cap);

    if (len == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: alert line could not be formatted");
        return NGX_OK;
    }

    ngx_http_login_risk_alert_write(r, ctx->alert_log, buf, len);

    return NGX_OK;
}


/* One line, in one write: lines of concurrent workers do not mix. */

void
ngx_http_login_risk_alert_write(ngx_http_request_t *r, ngx_open_file_t *file,
    u_char *buf, size_t len)
{
    ssize_t  n;

    n = ngx_write_fd(file->fd, buf, len);

    if (n != (ssize_t) len) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, ngx_errno,
                      ngx_write_fd_n " to \"%V\" failed", &file->name);
    }
}
