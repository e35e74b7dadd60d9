
/*
 * nginx-login-risk: learning from the application's answer. A header
 * filter reads the outcome of a scored login (the X-Login-Risk-Outcome
 * header, which it removes, or the login_risk_success rule) and sends what
 * it changes to Redis without making the client wait: a success teaches
 * the user's profile, a failure feeds the counters. A passed step-up
 * (challenge_passed with the attempt's ticket) teaches the challenged
 * attempt, which trusts its device for that user.
 */


#include "ngx_http_login_risk_module.h"


#define NGX_HTTP_LOGIN_RISK_CAS_TRIES  3


/* a profile write that outlives its request, in its own pool */
typedef struct {
    ngx_pool_t                        *pool;
    ngx_log_t                         *log;
    ngx_http_login_risk_main_conf_t   *lmcf;
    lr_writes                          w;
    u_char                            *old;         /* encoding learnt on */
    size_t                             old_len;
    ngx_uint_t                         tries;
    unsigned                           again:1;
    unsigned                           take:1;      /* step-up: fetch the
                                                       attempt first */
    char                               attempt[33];
} ngx_http_login_risk_job_t;


static ngx_int_t ngx_http_login_risk_header_filter(ngx_http_request_t *r);
static ngx_http_login_risk_outcome_e ngx_http_login_risk_take_outcome(
    ngx_http_request_t *r, ngx_http_login_risk_loc_conf_t *llcf,
    ngx_str_t *ticket, ngx_uint_t *success_header);
static ngx_http_login_risk_outcome_e ngx_http_login_risk_success_rule(
    ngx_http_request_t *r, ngx_http_login_risk_loc_conf_t *llcf,
    ngx_uint_t success_header);
static void ngx_http_login_risk_learn(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_http_login_risk_outcome_e outcome);
static void ngx_http_login_risk_step_up(ngx_http_request_t *r,
    ngx_str_t *ticket);
static ngx_http_login_risk_job_t *ngx_http_login_risk_job(
    ngx_http_login_risk_main_conf_t *lmcf, ngx_log_t *log);
static void ngx_http_login_risk_job_cas(ngx_http_login_risk_job_t *job);
static void ngx_http_login_risk_job_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_login_risk_job_done(ngx_http_login_risk_call_t *call);
static void ngx_http_login_risk_pop_add(
    ngx_http_login_risk_main_conf_t *lmcf, const lr_features *f);
static void ngx_http_login_risk_pop_flush(ngx_event_t *ev);
static void ngx_http_login_risk_write_reply(
    ngx_http_login_risk_call_t *call, ngx_uint_t index, redisReply *reply);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


ngx_int_t
ngx_http_login_risk_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_login_risk_header_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_header_filter(ngx_http_request_t *r)
{
    ngx_str_t                       ticket;
    ngx_uint_t                      success_header;
    ngx_http_login_risk_ctx_t      *ctx;
    ngx_http_login_risk_outcome_e   outcome;

    ctx = (r == r->main) ? ngx_http_login_risk_get_ctx(r) : NULL;

    /* a new device id reaches the browser with whatever answers the
     * login, and the token cookie, used now, goes */
    if (ctx && !ctx->cookie_sent) {
        ctx->cookie_sent = 1;

        if ((ctx->device_set_cookie.len
             && ngx_http_login_risk_set_cookie(r, &ctx->device_set_cookie)
                != NGX_OK)
            || (ctx->token_clear_cookie.len
                && ngx_http_login_risk_set_cookie(r, &ctx->token_clear_cookie)
                   != NGX_OK))
        {
            return NGX_ERROR;
        }
    }

    if (ctx && (!ctx->scored || ctx->learnt)) {
        ctx = NULL;
    }

    /* in every location: the outcome is for the module, never the client */
    outcome = ngx_http_login_risk_take_outcome(r, ctx ? ctx->llcf : NULL,
                                               &ticket, &success_header);

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    if (outcome == NGX_HTTP_LOGIN_RISK_OUTCOME_CHALLENGE_PASSED) {
        ngx_http_login_risk_step_up(r, &ticket);
    }

    if (ctx == NULL) {
        return ngx_http_next_header_filter(r);
    }

    ctx->learnt = 1;

    if (ctx->enforced == LR_ACTION_BLOCK && !ctx->login.monitor) {
        /* refused here: a failed login as far as the counters go */
        outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE;

    } else if (outcome == NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN) {
        outcome = ngx_http_login_risk_success_rule(r, ctx->llcf,
                                                   success_header);
    }

    /* a login scored without its state (Redis unavailable) was let through
     * unexamined: its success must not teach the profile that the next
     * logins are judged by; its failure still counts */
    if (ctx->unavailable
        && outcome == NGX_HTTP_LOGIN_RISK_OUTCOME_SUCCESS)
    {
        outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN;
    }

    /* a challenged login teaches only once its step-up is passed */
    if (ctx->enforced == LR_ACTION_CHALLENGE
        && outcome != NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE)
    {
        outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN;
    }

    ngx_http_login_risk_learn(r, ctx, outcome);

    return ngx_http_next_header_filter(r);
}


/*
 * Removes the X-Login-Risk-* headers from the response and says what
 * X-Login-Risk-Outcome said; ticket gets X-Login-Risk-Ticket. In the same
 * pass, with the login's location conf, *success_header says whether the
 * response has login_risk_success's header=NAME:VALUE.
 */

static ngx_http_login_risk_outcome_e
ngx_http_login_risk_take_outcome(ngx_http_request_t *r,
    ngx_http_login_risk_loc_conf_t *llcf, ngx_str_t *ticket,
    ngx_uint_t *success_header)
{
    ngx_uint_t                      i;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h;
    ngx_http_login_risk_outcome_e   outcome;

    outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN;
    ngx_str_null(ticket);
    *success_header = 0;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        if (h[i].key.len < sizeof("X-Login-Risk-") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "X-Login-Risk-",
                               sizeof("X-Login-Risk-") - 1)
               != 0)
        {
            if (llcf && llcf->success_header.len
                && h[i].key.len == llcf->success_header.len
                && ngx_strncasecmp(h[i].key.data, llcf->success_header.data,
                                   h[i].key.len)
                   == 0
                && h[i].value.len == llcf->success_value.len
                && ngx_strncmp(h[i].value.data, llcf->success_value.data,
                               h[i].value.len)
                   == 0)
            {
                *success_header = 1;
            }

            continue;
        }

        if (h[i].key.len == sizeof("X-Login-Risk-Outcome") - 1
            && ngx_strncasecmp(h[i].key.data,
                               (u_char *) "X-Login-Risk-Outcome",
                               h[i].key.len)
               == 0)
        {
            if (h[i].value.len == 7
                && ngx_strncasecmp(h[i].value.data, (u_char *) "success", 7)
                   == 0)
            {
                outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_SUCCESS;

            } else if (h[i].value.len == 7
                       && ngx_strncasecmp(h[i].value.data,
                                          (u_char *) "failure", 7)
                          == 0)
            {
                outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE;

            } else if (h[i].value.len == 16
                       && ngx_strncasecmp(h[i].value.data,
                                          (u_char *) "challenge_passed", 16)
                          == 0)
            {
                outcome = NGX_HTTP_LOGIN_RISK_OUTCOME_CHALLENGE_PASSED;

            } else {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "login_risk: unknown X-Login-Risk-Outcome "
                              "from the application ignored");
            }

        } else if (h[i].key.len == sizeof("X-Login-Risk-Ticket") - 1
                   && ngx_strncasecmp(h[i].key.data,
                                      (u_char *) "X-Login-Risk-Ticket",
                                      h[i].key.len)
                      == 0)
        {
            *ticket = h[i].value;
        }

        /* none of the module's headers reaches the client */
        h[i].hash = 0;
    }

    return outcome;
}


static ngx_http_login_risk_outcome_e
ngx_http_login_risk_success_rule(ngx_http_request_t *r,
    ngx_http_login_risk_loc_conf_t *llcf, ngx_uint_t success_header)
{
    ngx_uint_t  i, *status;

    if (llcf->success_status == NULL && llcf->success_header.len == 0) {
        /* nothing says what success looks like: learn nothing rather
         * than guess */
        return NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN;
    }

    if (llcf->success_status) {
        status = llcf->success_status->elts;

        for (i = 0; i < llcf->success_status->nelts; i++) {
            if (status[i] == r->headers_out.status) {
                break;
            }
        }

        if (i == llcf->success_status->nelts) {
            return NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE;
        }
    }

    if (llcf->success_header.len && !success_header) {
        return NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE;
    }

    return NGX_HTTP_LOGIN_RISK_OUTCOME_SUCCESS;
}


/*
 * Sends the writes of an outcome. Counters go out as they are; a profile
 * is learnt onto the encoding the login read and written back only if
 * nobody wrote it in between (else learnt again onto what is there).
 */

static void
ngx_http_login_risk_learn(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_http_login_risk_outcome_e outcome)
{
    unsigned                          pos, i;
    lr_writes                        *w;
    lr_redis_cmd                      cmd[1];
    ngx_http_login_risk_job_t        *job;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (lmcf->redis == NULL) {
        return;
    }

    if (!ngx_http_login_risk_redis_usable(lmcf->rd)) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "login_risk: redis unavailable, the outcome of this "
                      "login is not learnt");
        return;
    }

    w = ngx_palloc(r->pool, sizeof(lr_writes));
    if (w == NULL) {
        return;
    }

    switch (outcome) {

    case NGX_HTTP_LOGIN_RISK_OUTCOME_SUCCESS:
        lr_engine_learn(&ctx->llcf->engine, &ctx->login, &ctx->keys, 1, w);
        break;

    case NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE:
        lr_engine_learn(&ctx->llcf->engine, &ctx->login, &ctx->keys, 0, w);
        break;

    default:
        lr_engine_attempt(&ctx->llcf->engine, &ctx->login, &ctx->keys, w);
        break;
    }

    /* a counter this login read as nothing needs no clearing: the
     * common success costs two commands less */
    if (!ctx->unavailable) {
        for (i = 0; i < LR_C_COUNT; i++) {
            if (ctx->view.counter[i] == 0) {
                w->reset[i] = 0;
            }
        }
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);
    if (call == NULL) {
        return;
    }

    call->data = lmcf->rd;
    call->reply = ngx_http_login_risk_write_reply;

    /* plain commands, one after the other on the connection: no reply is
     * waited for */
    pos = 0;

    while (lr_redis_count((char *) lmcf->prefix.data, &ctx->keys, w, &pos,
                          cmd)
           == 1)
    {
        if (ngx_http_login_risk_redis_send(call, cmd) != NGX_OK) {
            break;
        }
    }

    /* else the last reply gives the call back */
    if (call->sent == 0) {
        ngx_http_login_risk_redis_release(call);
    }

    if (!w->learn) {
        return;
    }

    job = ngx_http_login_risk_job(lmcf, ngx_cycle->log);
    if (job == NULL) {
        return;
    }

    job->w = *w;

    if (ctx->profile_raw_len) {
        job->old = ngx_pnalloc(job->pool, ctx->profile_raw_len);
        if (job->old == NULL) {
            ngx_destroy_pool(job->pool);
            return;
        }

        ngx_memcpy(job->old, ctx->profile_raw, ctx->profile_raw_len);
        job->old_len = ctx->profile_raw_len;
    }

    ngx_http_login_risk_job_cas(job);
}


/* The attempt of a challenged login, kept for its step-up. */

void
ngx_http_login_risk_store_attempt(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    u_char                            data[LR_ATTEMPT_SIZE];
    lr_attempt                        a;
    lr_redis_cmd                     *cmd;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (lmcf->redis == NULL || ctx->keys.user == 0) {
        return;
    }

    cmd = ngx_palloc(r->pool, sizeof(lr_redis_cmd));
    if (cmd == NULL) {
        return;
    }

    lr_engine_attempt_of(&ctx->login, &ctx->keys, &a);
    lr_attempt_encode(&a, data);

    if (lr_redis_attempt_put((char *) lmcf->prefix.data, ctx->keys.user,
                             ctx->attempt, data, sizeof(data),
                             NGX_HTTP_LOGIN_RISK_TICKET_TTL, cmd)
        != 0)
    {
        return;
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);
    if (call == NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "login_risk: redis unavailable, the challenged "
                      "attempt is not kept for its step-up");
        return;
    }

    call->data = lmcf->rd;
    call->reply = ngx_http_login_risk_write_reply;

    if (ngx_http_login_risk_redis_send(call, cmd) != NGX_OK) {
        ngx_http_login_risk_redis_release(call);
    }
}


/*
 * The application says the step-up passed and hands back the ticket: a
 * valid ticket takes its attempt out of Redis (once: a replayed ticket
 * finds nothing) and the attempt is learnt as a success.
 */

static void
ngx_http_login_risk_step_up(ngx_http_request_t *r, ngx_str_t *ticket)
{
    char                              user[LR_USERID_MAX + 1];
    char                              attempt[33];
    lr_redis_cmd                     *cmd;
    lr_ticket_status                  st;
    ngx_http_login_risk_job_t        *job;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (lmcf->redis == NULL || lmcf->secrets == NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: challenge_passed ignored: it needs "
                      "login_risk_redis and login_risk_secret_file");
        return;
    }

    if (ticket->len == 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: challenge_passed without "
                      "X-Login-Risk-Ticket ignored");
        return;
    }

    st = lr_ticket_verify(lmcf->secrets, (char *) ticket->data, ticket->len,
                          ngx_time(), user, sizeof(user), attempt);

    if (st != LR_TICKET_OK) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: challenge_passed with a ticket that is "
                      "not valid (%s) ignored", lr_ticket_status_text(st));
        return;
    }

    job = ngx_http_login_risk_job(lmcf, ngx_cycle->log);
    if (job == NULL) {
        return;
    }

    cmd = ngx_palloc(job->pool, sizeof(lr_redis_cmd));
    call = ngx_http_login_risk_redis_call(lmcf->rd);

    if (cmd == NULL || call == NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: redis unavailable, the passed step-up "
                      "of user \"%s\" is not learnt", user);
        if (call) {
            ngx_http_login_risk_redis_release(call);
        }
        ngx_destroy_pool(job->pool);
        return;
    }

    job->take = 1;
    job->w.user = lr_engine_user_key(user);
    ngx_memcpy(job->attempt, attempt, sizeof(attempt));

    call->data = job;
    call->reply = ngx_http_login_risk_job_reply;
    call->done = ngx_http_login_risk_job_done;

    if (lr_redis_attempt_take((char *) lmcf->prefix.data,
                              lmcf->sha[LR_SCRIPT_READ], job->w.user,
                              attempt, cmd)
        != 0
        || ngx_http_login_risk_redis_send(call, cmd) != NGX_OK)
    {
        call->data = NULL;
        ngx_http_login_risk_redis_release(call);
        ngx_destroy_pool(job->pool);
        return;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "login_risk: step-up of user \"%s\" passed", user);
}


static ngx_http_login_risk_job_t *
ngx_http_login_risk_job(ngx_http_login_risk_main_conf_t *lmcf, ngx_log_t *log)
{
    ngx_pool_t                 *pool;
    ngx_http_login_risk_job_t  *job;

    pool = ngx_create_pool(2048, log);
    if (pool == NULL) {
        return NULL;
    }

    job = ngx_pcalloc(pool, sizeof(ngx_http_login_risk_job_t));
    if (job == NULL) {
        ngx_destroy_pool(pool);
        return NULL;
    }

    job->pool = pool;
    job->log = log;
    job->lmcf = lmcf;

    return job;
}


static void
ngx_http_login_risk_job_cas(ngx_http_login_risk_job_t *job)
{
    size_t                            len;
    u_char                           *enc;
    lr_redis_cmd                     *cmd;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = job->lmcf;

    enc = ngx_pnalloc(job->pool, LR_PROFILE_CODEC_MAX);
    cmd = ngx_palloc(job->pool, sizeof(lr_redis_cmd));
    call = ngx_http_login_risk_redis_call(lmcf->rd);

    if (enc == NULL || cmd == NULL || call == NULL) {
        ngx_log_error(NGX_LOG_WARN, job->log, 0,
                      "login_risk: a profile update is lost: redis "
                      "unavailable");
        if (call) {
            ngx_http_login_risk_redis_release(call);
        }
        ngx_destroy_pool(job->pool);
        return;
    }

    len = lr_redis_learn_profile(job->old, job->old_len, &job->w, enc);

    job->tries++;
    job->again = 0;

    call->data = job;
    call->reply = ngx_http_login_risk_job_reply;
    call->done = ngx_http_login_risk_job_done;

    if (lr_redis_profile_cas((char *) lmcf->prefix.data,
                             lmcf->sha[LR_SCRIPT_PROFILE], job->w.user,
                             job->old, job->old_len, enc, len,
                             job->w.profile_max_age_ms / 1000, &cmd[0])
        != 0
        || ngx_http_login_risk_redis_send(call, &cmd[0]) != NGX_OK)
    {
        goto failed;
    }

    /* the population counts the login once, whatever the retries */
    if (job->tries == 1) {
        ngx_http_login_risk_pop_add(lmcf, &job->w.f);
    }

    return;

failed:

    ngx_log_error(NGX_LOG_WARN, job->log, 0,
                  "login_risk: a profile update could not be sent");

    if (call->sent == 0) {
        ngx_http_login_risk_redis_release(call);
        ngx_destroy_pool(job->pool);
        return;
    }

    /* the replies of what was sent end the job */
    job->tries = NGX_HTTP_LOGIN_RISK_CAS_TRIES;
}


static void
ngx_http_login_risk_job_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    lr_attempt                  a;
    redisReply                 *cur, *attempt, *profile;
    ngx_http_login_risk_job_t  *job;

    job = call->data;

    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
        ngx_http_login_risk_redis_write_failed(call->redis, reply,
                                               "a profile write");
        job->again = 0;
        job->take = 0;
        return;
    }

    if (job->take) {
        /* the step-up: [attempt, profile] */
        job->take = 0;

        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
            return;
        }

        attempt = reply->element[0];
        profile = reply->element[1];

        if (attempt->type != REDIS_REPLY_STRING
            || lr_attempt_decode((u_char *) attempt->str, attempt->len, &a)
               != 0)
        {
            ngx_log_error(NGX_LOG_WARN, job->log, 0,
                          "login_risk: challenge_passed for an attempt that "
                          "is unknown, expired or already used");
            return;
        }

        lr_engine_learn_attempt(&job->lmcf->engine, job->w.user, &a,
                                &job->w);

        if (profile->type == REDIS_REPLY_STRING && profile->len) {
            job->old = ngx_pnalloc(job->pool, profile->len);
            if (job->old == NULL) {
                return;
            }

            ngx_memcpy(job->old, profile->str, profile->len);
            job->old_len = profile->len;
        }

        job->again = 1;
        return;
    }

    if (index != 0) {
        return;
    }

    /* the compare-and-set: [1] written, [0, current] someone was first */
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1
        || reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
        return;
    }

    if (reply->element[0]->integer == 1 || reply->elements != 2) {
        return;
    }

    cur = reply->element[1];

    if (cur->type != REDIS_REPLY_STRING) {
        return;
    }

    job->old = ngx_pnalloc(job->pool, cur->len ? cur->len : 1);
    if (job->old == NULL) {
        return;
    }

    ngx_memcpy(job->old, cur->str, cur->len);
    job->old_len = cur->len;
    job->again = 1;
}


static void
ngx_http_login_risk_job_done(ngx_http_login_risk_call_t *call)
{
    ngx_http_login_risk_job_t  *job;

    job = call->data;

    if (job->again && job->tries < NGX_HTTP_LOGIN_RISK_CAS_TRIES) {
        ngx_http_login_risk_job_cas(job);
        return;
    }

    if (job->again) {
        ngx_log_error(NGX_LOG_WARN, job->log, 0,
                      "login_risk: a profile update was given up after %ui "
                      "concurrent writes", job->tries);
    }

    ngx_destroy_pool(job->pool);
}


/*
 * A learnt login for the population: kept until the event loop has handled
 * the events of this turn (or the batch is full), then sent with the
 * others in one command.
 */

static void
ngx_http_login_risk_pop_add(ngx_http_login_risk_main_conf_t *lmcf,
    const lr_features *f)
{
    ngx_http_login_risk_pop_batch_t  *b;

    b = lmcf->pop;

    if (b == NULL) {
        b = ngx_pcalloc(ngx_cycle->pool,
                        sizeof(ngx_http_login_risk_pop_batch_t));
        if (b == NULL) {
            return;
        }

        b->flush.handler = ngx_http_login_risk_pop_flush;
        b->flush.data = lmcf;
        b->flush.log = ngx_cycle->log;
        lmcf->pop = b;
    }

    b->f[b->n++] = *f;

    if (b->n == LR_POP_BATCH) {
        if (b->flush.posted) {
            ngx_delete_posted_event(&b->flush);
        }

        ngx_http_login_risk_pop_flush(&b->flush);
        return;
    }

    if (!b->flush.posted) {
        ngx_post_event(&b->flush, &ngx_posted_events);
    }
}


static void
ngx_http_login_risk_pop_flush(ngx_event_t *ev)
{
    lr_redis_cmd                      cmd;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_pop_batch_t  *b;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ev->data;
    b = lmcf->pop;

    if (b->n == 0) {
        return;
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);

    if (call == NULL
        || lr_redis_pop_learn((char *) lmcf->prefix.data, b->f, b->n, &cmd)
           != 0)
    {
        ngx_log_error(NGX_LOG_INFO, ev->log, 0,
                      "login_risk: %ui logins not counted in the "
                      "population: redis unavailable", b->n);
        if (call) {
            ngx_http_login_risk_redis_release(call);
        }

        b->n = 0;
        return;
    }

    b->n = 0;
    call->data = lmcf->rd;
    call->reply = ngx_http_login_risk_write_reply;

    if (ngx_http_login_risk_redis_send(call, &cmd) != NGX_OK) {
        ngx_http_login_risk_redis_release(call);
    }
}


static void
ngx_http_login_risk_write_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_login_risk_redis_write_failed(call->redis, reply,
                                           "a counter write");
}
