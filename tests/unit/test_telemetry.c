#include "lr_test.h"
#include "lr_telemetry.h"
#include "lr_telemetry_codec.h"
#include "lr_devattr.h"


/*
 * Documents are written with ' for " (doc() swaps them back), so that the
 * tables stay readable; a document that needs a ' has none to write.
 */

#define UA_LINUX                                                              \
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "       \
    "Gecko) Chrome/156.0.0.0 Safari/537.36"
#define UA_WINDOWS                                                            \
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "  \
    "like Gecko) Chrome/156.0.0.0 Safari/537.36"
#define UA_HEADLESS                                                           \
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "       \
    "Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
#define UA_PHANTOM                                                            \
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like "    \
    "Gecko) PhantomJS/2.1.1 Safari/538.1"

#define GL_VENDOR    "Google Inc. (Intel)"
#define GL_RENDERER  "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)"

#define SEC_CH_UA                                                             \
    "\"Chromium\";v=\"156\", \"Not-A.Brand\";v=\"24\", "                      \
    "\"Google Chrome\";v=\"156\""

/* a person on a Linux laptop, every field there */
#define BEH_HUMAN                                                             \
    "{'t_first':2400,'t_submit':5200,'keys':18,'bksp':1,"                    \
    "'hold':[64,92,128],'flight':[96,160,300],'overlap':2,'nokey':0,"        \
    "'autofill':0,'paste':[],'focus':'up','tab':1,'clickfocus':1,'blur':0,"  \
    "'moves':140,'straight':620,'speedvar':830,'pauses':6,'clicks':2,"       \
    "'blind':0,'ptr':'mouse','tap':0}"

#define FULL                                                                  \
    "{'v':1,'ua':'" UA_LINUX "',"                                             \
    "'uach':{'brands':['Chromium/156','Not-A.Brand/24','Google Chrome/156']," \
    "'mobile':false,'platform':'Linux'},"                                     \
    "'langs':['de-CH','de','en-US'],'tz':'Europe/Zurich',"                    \
    "'scr':[1080,1920],'win':[1920,960],'outer':[1920,1040],"                 \
    "'dpr':1.25,'depth':24,'cores':8,'mem':16,'touch':0,"                     \
    "'gl':['" GL_VENDOR "','" GL_RENDERER "'],"                               \
    "'canvas':'a1b2c3d4','audio':'0F1E2D3C','plugins':5,'auto':[],"           \
    "'beh':" BEH_HUMAN "}"


static const lr_telemetry_headers  full_headers = {
    UA_LINUX, SEC_CH_UA, "de-CH,de;q=0.9,en;q=0.8"
};


/* s with every ' turned into ", in a heap block of exactly its length
 * (a read past it hits ASan); the caller frees it */
static char *
doc(const char *s, size_t *len)
{
    char    *p;
    size_t   i;

    *len = strlen(s);
    p = lr_heap_copy(s, *len);

    for (i = 0; i < *len; i++) {
        if (p[i] == '\'') {
            p[i] = '"';
        }
    }

    return p;
}


/* Parses a document (as doc() writes it) into out; -1 leaves out zeroed,
 * which is checked here. */
static int
parse(const char *text, const lr_telemetry_headers *h, lr_telemetry *out,
    char *err, size_t err_len)
{
    int            rc;
    char          *json;
    size_t         len;
    lr_telemetry   zero;

    json = doc(text, &len);
    memset(out, 0x5a, sizeof(*out));
    rc = lr_telemetry_parse(json, len, h, out, err, err_len);
    free(json);

    if (rc != 0) {
        memset(&zero, 0, sizeof(zero));
        assert_memory_equal(out, &zero, sizeof(zero));
    }

    return rc;
}


/* parses a document that must be valid */
static void
ok(const char *text, const lr_telemetry_headers *h, lr_telemetry *out)
{
    char  err[256];

    if (parse(text, h, out, err, sizeof(err)) != 0) {
        print_error("rejected: %s\n  %s\n", err, text);
        fail();
    }
}


static unsigned
scripted(const char *beh)
{
    char          text[1024];
    lr_telemetry  t;

    snprintf(text, sizeof(text), "{'v':1,'beh':%s}", beh);
    ok(text, NULL, &t);

    return t.scripted;
}


/* a document of "v" and one more member */
static void
with(const char *member, char *text, size_t cap)
{
    snprintf(text, cap, "{'v':1,%s}", member);
}


static uint32_t
attrs(const char *member)
{
    char          text[1024];
    lr_telemetry  t;

    with(member, text, sizeof(text));
    ok(text, NULL, &t);

    return t.device_attrs;
}


static unsigned
cell(uint32_t v, lr_devattr_cell c)
{
    return (v >> (4 * (unsigned) c)) & 0xf;
}


static void
test_full_document(void **state)
{
    uint32_t      want;
    lr_telemetry  t;

    (void) state;

    ok(FULL, &full_headers, &t);

    assert_int_equal(t.automation, 0);
    assert_int_equal(t.scripted, 0);
    assert_int_equal(t.mismatch, 0);
    assert_int_equal(t.paste_password, 0);
    assert_int_equal(t.keys, 18);
    assert_int_equal(t.moves, 140);
    assert_int_equal(t.submit_ms, 5200);
    assert_string_equal(t.timezone, "Europe/Zurich");
    assert_string_equal(t.languages, "de-CH,de,en-US");

    assert_true(t.ua_hash != 0);
    assert_true(t.ua_hash == lr_telemetry_ua_hash(UA_LINUX));

    want = 0;
    want = lr_devattr_set(want, LR_DEVATTR_GPU,
                          lr_devattr_cell_of(GL_VENDOR "\n" GL_RENDERER));
    want = lr_devattr_set(want, LR_DEVATTR_SCREEN,
                          lr_devattr_cell_of("1920x1080"));
    want = lr_devattr_set(want, LR_DEVATTR_TIMEZONE,
                          lr_devattr_cell_of("Europe/Zurich"));
    want = lr_devattr_set(want, LR_DEVATTR_PLATFORM,
                          lr_devattr_cell_of("Linux"));
    want = lr_devattr_set(want, LR_DEVATTR_HARDWARE,
                          lr_devattr_cell_of("8/16"));
    want = lr_devattr_set(want, LR_DEVATTR_DISPLAY,
                          lr_devattr_cell_of("1.25/24"));
    want = lr_devattr_set(want, LR_DEVATTR_CANVAS,
                          lr_devattr_cell_of("a1b2c3d4"));
    want = lr_devattr_set(want, LR_DEVATTR_AUDIO,
                          lr_devattr_cell_of("0f1e2d3c"));

    assert_int_equal(t.device_attrs, want);

    /* every cell known */
    assert_int_not_equal(cell(t.device_attrs, LR_DEVATTR_GPU), 0);
    assert_int_not_equal(cell(t.device_attrs, LR_DEVATTR_AUDIO), 0);
}


static void
test_minimal_document(void **state)
{
    lr_telemetry          t;
    lr_telemetry_headers  h;

    (void) state;

    ok("{'v':1}", NULL, &t);

    assert_int_equal(t.automation, 0);
    assert_int_equal(t.scripted, 0);
    assert_int_equal(t.mismatch, 0);
    assert_int_equal(t.paste_password, 0);
    assert_int_equal(t.device_attrs, 0);
    assert_true(t.ua_hash == 0);
    assert_int_equal(t.keys, 0);
    assert_int_equal(t.moves, 0);
    assert_int_equal(t.submit_ms, 0);
    assert_string_equal(t.timezone, "");
    assert_string_equal(t.languages, "");

    /* the binding is the header's, whatever the document says */
    memset(&h, 0, sizeof(h));
    h.user_agent = UA_WINDOWS;
    ok("{'v':1,'ua':'" UA_LINUX "'}", &h, &t);
    assert_true(t.ua_hash == lr_telemetry_ua_hash(UA_WINDOWS));

    /* only UAs that are not there are unknown */
    assert_true(lr_telemetry_ua_hash(NULL) == 0);
    assert_true(lr_telemetry_ua_hash("") != 0);
    assert_true(lr_telemetry_ua_hash(UA_LINUX)
                != lr_telemetry_ua_hash(UA_WINDOWS));
}


static void
test_unknown_fields_ignored(void **state)
{
    lr_telemetry  t;

    (void) state;

    ok("{'v':1,'future':{'x':[1,'y',null]},'gpu_tier':-3,"
       "'uach':{'arch':'x86','bitness':64,'platform':'Linux'},"
       "'beh':{'keys':3,'wheel':-1,'pressure':[0.5]},"
       "'v2_only':'whatever'}", NULL, &t);

    assert_int_equal(t.keys, 3);
    assert_int_equal(cell(t.device_attrs, LR_DEVATTR_PLATFORM),
                     lr_devattr_cell_of("Linux"));
}


static void
test_scripted_bits(void **state)
{
    (void) state;

    assert_int_equal(scripted(BEH_HUMAN), 0);
    assert_int_equal(scripted("{}"), 0);

    /* text without key events; autofill is no such text */
    assert_int_equal(scripted("{'nokey':1}"), LR_SCRIPTED_NO_KEYS);
    assert_int_equal(scripted("{'nokey':0,'autofill':2}"), 0);

    assert_int_equal(scripted("{'blind':2,'clicks':2}"),
                     LR_SCRIPTED_BLIND_CLICK);
    assert_int_equal(scripted("{'blind':0,'clicks':2}"), 0);

    /* too fast: hold, flight, whole form */
    assert_int_equal(scripted("{'keys':10,'hold':[8,16,24],"
                              "'flight':[96,160,300],'t_submit':5000}"),
                     LR_SCRIPTED_TOO_FAST);
    assert_int_equal(scripted("{'keys':10,'hold':[64,92,128],"
                              "'flight':[12,24,60],'t_submit':5000}"),
                     LR_SCRIPTED_TOO_FAST);
    assert_int_equal(scripted("{'keys':10,'t_submit':296}"),
                     LR_SCRIPTED_TOO_FAST);
    assert_int_equal(scripted("{'keys':10,'t_submit':300}"), 0);
    assert_int_equal(scripted("{'keys':10,'hold':[20,20,40],"
                              "'flight':[30,30,60]}"), 0);

    /* too few keys to time */
    assert_int_equal(scripted("{'keys':3,'hold':[4,4,4],'flight':[4,4,4],"
                              "'t_submit':8}"), 0);
    assert_int_equal(scripted("{'hold':[4,4,4],'t_submit':8}"), 0);

    /* uniform: both spreads under 10 ms, with 8 keys or more */
    assert_int_equal(scripted("{'keys':12,'hold':[80,84,88],"
                              "'flight':[120,124,128],'t_submit':5000}"),
                     LR_SCRIPTED_UNIFORM);
    assert_int_equal(scripted("{'keys':7,'hold':[80,84,88],"
                              "'flight':[120,124,128],'t_submit':5000}"), 0);
    assert_int_equal(scripted("{'keys':12,'hold':[80,84,90],"
                              "'flight':[120,124,128],'t_submit':5000}"), 0);
    assert_int_equal(scripted("{'keys':12,'hold':[80,84,88],"
                              "'flight':[120,124,130],'t_submit':5000}"), 0);
    assert_int_equal(scripted("{'keys':12,'hold':[80,84,88],"
                              "'t_submit':5000}"), 0);

    /* a ruler line at a constant speed */
    assert_int_equal(scripted("{'moves':40,'straight':995,'speedvar':40}"),
                     LR_SCRIPTED_STRAIGHT);
    assert_int_equal(scripted("{'moves':40,'straight':990,'speedvar':99}"),
                     LR_SCRIPTED_STRAIGHT);
    assert_int_equal(scripted("{'moves':9,'straight':995,'speedvar':40}"),
                     0);
    assert_int_equal(scripted("{'moves':40,'straight':989,'speedvar':40}"),
                     0);
    assert_int_equal(scripted("{'moves':40,'straight':995,'speedvar':100}"),
                     0);
    assert_int_equal(scripted("{'moves':40,'straight':995}"), 0);

    /* all at once */
    assert_int_equal(scripted("{'keys':12,'hold':[4,4,8],'flight':[8,8,12],"
                              "'t_submit':40,'nokey':1,'blind':1,'moves':12,"
                              "'straight':1000,'speedvar':0}"),
                     LR_SCRIPTED_NO_KEYS | LR_SCRIPTED_BLIND_CLICK
                     | LR_SCRIPTED_TOO_FAST | LR_SCRIPTED_UNIFORM
                     | LR_SCRIPTED_STRAIGHT);
}


static void
test_huge_counts(void **state)
{
    lr_telemetry  t;

    (void) state;

    /* no overflow (UBSan would stop here), counts clamped */
    ok("{'v':1,'beh':{'keys':9223372036854775807,"
       "'t_submit':9223372036854775807,'moves':4294967296,"
       "'hold':[0,9223372036854775807,9223372036854775807],"
       "'flight':[9223372036854775807,0,0]}}", NULL, &t);

    assert_int_equal(t.keys, UINT32_MAX);
    assert_int_equal(t.submit_ms, UINT32_MAX);
    assert_int_equal(t.moves, UINT32_MAX);
    assert_true(t.scripted & LR_SCRIPTED_TOO_FAST);

    ok("{'v':1,'beh':{'keys':4294967295,'moves':4294967294}}", NULL, &t);
    assert_int_equal(t.keys, UINT32_MAX);
    assert_int_equal(t.moves, UINT32_MAX - 1);

    /* beyond int64: jansson refuses the number */
    assert_int_equal(parse("{'v':1,'beh':{'keys':9223372036854775808}}",
                           NULL, &t, NULL, 0), -1);
}


static void
test_automation_names(void **state)
{
    char          text[256];
    size_t        i;
    lr_telemetry  t;

    static const struct {
        const char  *name;
        unsigned     bit;
    } names[] = {
        { "webdriver", LR_AUTO_WEBDRIVER },
        { "headless_ua", LR_AUTO_HEADLESS_UA },
        { "screen_is_viewport", LR_AUTO_SCREEN_VIEWPORT },
        { "zero_outer", LR_AUTO_ZERO_OUTER },
        { "automation_global", LR_AUTO_GLOBALS },
        { "patched_native", LR_AUTO_PATCHED },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(names); i++) {
        snprintf(text, sizeof(text), "{'v':1,'auto':['%s']}", names[i].name);
        ok(text, NULL, &t);

        if (t.automation != names[i].bit) {
            print_error("%s: 0x%x\n", names[i].name, t.automation);
            fail();
        }
    }

    ok("{'v':1,'auto':['webdriver','headless_ua','screen_is_viewport',"
       "'zero_outer','automation_global','patched_native']}", NULL, &t);
    assert_int_equal(t.automation, 0x3f);

    /* unknown names are no marker; case matters */
    ok("{'v':1,'auto':['selenium_ide','WebDriver','','webdriver ']}", NULL,
       &t);
    assert_int_equal(t.automation, 0);

    ok("{'v':1,'auto':['puppeteer','zero_outer','zero_outer']}", NULL, &t);
    assert_int_equal(t.automation, LR_AUTO_ZERO_OUTER);
}


static void
test_automation_headless_ua(void **state)
{
    lr_telemetry          t;
    lr_telemetry_headers  h;

    (void) state;

    memset(&h, 0, sizeof(h));

    /* the collector's UA */
    ok("{'v':1,'ua':'" UA_HEADLESS "'}", NULL, &t);
    assert_int_equal(t.automation, LR_AUTO_HEADLESS_UA);

    ok("{'v':1,'ua':'" UA_PHANTOM "'}", NULL, &t);
    assert_int_equal(t.automation, LR_AUTO_HEADLESS_UA);

    /* or the header, when the script hides it */
    h.user_agent = UA_HEADLESS;
    ok("{'v':1,'ua':'" UA_LINUX "','auto':['webdriver']}", &h, &t);
    assert_int_equal(t.automation, LR_AUTO_HEADLESS_UA | LR_AUTO_WEBDRIVER);
    assert_int_equal(t.mismatch, LR_MISMATCH_UA);

    h.user_agent = UA_PHANTOM;
    ok("{'v':1}", &h, &t);
    assert_int_equal(t.automation, LR_AUTO_HEADLESS_UA);

    h.user_agent = UA_LINUX;
    ok("{'v':1,'ua':'" UA_LINUX "'}", &h, &t);
    assert_int_equal(t.automation, 0);

    h.user_agent = "curl/8.5.0";
    ok("{'v':1}", &h, &t);
    assert_int_equal(t.automation, 0);
}


static void
test_paste(void **state)
{
    lr_telemetry  t;

    (void) state;

    ok("{'v':1,'beh':{'paste':['user','password']}}", NULL, &t);
    assert_int_equal(t.paste_password, 1);

    ok("{'v':1,'beh':{'paste':['password']}}", NULL, &t);
    assert_int_equal(t.paste_password, 1);

    ok("{'v':1,'beh':{'paste':['user','other','user']}}", NULL, &t);
    assert_int_equal(t.paste_password, 0);

    ok("{'v':1,'beh':{'paste':[]}}", NULL, &t);
    assert_int_equal(t.paste_password, 0);
}


/* --- rejections ---------------------------------------------------------- */

typedef struct {
    const char  *json;
    const char  *field;         /* err begins "field: " */
} bad_row;


static const bad_row  bad_rows[] = {
    /* v: required, integer 1 */
    { "{}", "v" },
    { "{'ua':'x'}", "v" },
    { "{'v':2}", "v" },
    { "{'v':0}", "v" },
    { "{'v':'1'}", "v" },
    { "{'v':1.0}", "v" },
    { "{'v':true}", "v" },
    { "{'v':null}", "v" },
    { "{'v':[1]}", "v" },

    /* not an object, not JSON */
    { "[]", "body" },
    { "[{'v':1}]", "body" },
    { "'v'", "body" },
    { "1", "body" },
    { "null", "body" },
    { "", "body" },
    { "{'v':1", "body" },
    { "{'v':1,'tz':'Europe/Zur", "body" },
    { "{'v':1,}", "body" },
    { "{'v':1} {}", "body" },
    { "{'v':1,'tz':'a\\u0000b'}", "body" },
    { "{'v':1,'tz':\"\xff\xfe\"}", "body" },
    { "{'v':1,'ua':NaN}", "body" },

    /* strings */
    { "{'v':1,'ua':5}", "ua" },
    { "{'v':1,'ua':null}", "ua" },
    { "{'v':1,'ua':['x']}", "ua" },
    { "{'v':1,'tz':0}", "tz" },
    { "{'v':1,'tz':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaa'}", "tz" },

    /* integers and numbers */
    { "{'v':1,'cores':'8'}", "cores" },
    { "{'v':1,'cores':-1}", "cores" },
    { "{'v':1,'cores':4097}", "cores" },
    { "{'v':1,'cores':8.0}", "cores" },
    { "{'v':1,'cores':true}", "cores" },
    { "{'v':1,'depth':257}", "depth" },
    { "{'v':1,'touch':-5}", "touch" },
    { "{'v':1,'plugins':1001}", "plugins" },
    { "{'v':1,'dpr':-0.5}", "dpr" },
    { "{'v':1,'dpr':100.01}", "dpr" },
    { "{'v':1,'dpr':'2'}", "dpr" },
    { "{'v':1,'mem':4097}", "mem" },
    { "{'v':1,'mem':null}", "mem" },

    /* pairs */
    { "{'v':1,'scr':[1920]}", "scr" },
    { "{'v':1,'scr':[1920,1080,24]}", "scr" },
    { "{'v':1,'scr':[1920,-1]}", "scr" },
    { "{'v':1,'scr':[1920,100001]}", "scr" },
    { "{'v':1,'scr':[1920,'1080']}", "scr" },
    { "{'v':1,'scr':[1920.5,1080]}", "scr" },
    { "{'v':1,'scr':{'w':1920,'h':1080}}", "scr" },
    { "{'v':1,'scr':'1920x1080'}", "scr" },
    { "{'v':1,'win':[]}", "win" },
    { "{'v':1,'outer':[0,null]}", "outer" },
    { "{'v':1,'gl':['Intel']}", "gl" },
    { "{'v':1,'gl':['Intel',1]}", "gl" },
    { "{'v':1,'gl':'Intel'}", "gl" },
    { "{'v':1,'gl':['Intel','a','b']}", "gl" },

    /* hex */
    { "{'v':1,'canvas':'a1b2c3d'}", "canvas" },
    { "{'v':1,'canvas':'a1b2c3d4e'}", "canvas" },
    { "{'v':1,'canvas':'a1b2c3dg'}", "canvas" },
    { "{'v':1,'canvas':'0xa1b2c3'}", "canvas" },
    { "{'v':1,'canvas':' a1b2c3d'}", "canvas" },
    { "{'v':1,'canvas':12345678}", "canvas" },
    { "{'v':1,'audio':''}", "audio" },
    { "{'v':1,'audio':'a1b2-3d4'}", "audio" },

    /* lists */
    { "{'v':1,'langs':'en'}", "langs" },
    { "{'v':1,'langs':['en',1]}", "langs" },
    { "{'v':1,'langs':['a','b','c','d','e','f','g','h','i']}", "langs" },
    { "{'v':1,'langs':['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']}", "langs" },
    { "{'v':1,'auto':'webdriver'}", "auto" },
    { "{'v':1,'auto':[true]}", "auto" },
    { "{'v':1,'auto':['a','b','c','d','e','f','g','h','i']}", "auto" },

    /* uach */
    { "{'v':1,'uach':[]}", "uach" },
    { "{'v':1,'uach':'Chromium'}", "uach" },
    { "{'v':1,'uach':{'brands':'Chromium/156'}}", "uach.brands" },
    { "{'v':1,'uach':{'brands':[156]}}", "uach.brands" },
    { "{'v':1,'uach':{'brands':['a','b','c','d','e','f','g','h','i']}}",
      "uach.brands" },
    { "{'v':1,'uach':{'brands':['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaa/156']}}", "uach.brands" },
    { "{'v':1,'uach':{'mobile':1}}", "uach.mobile" },
    { "{'v':1,'uach':{'mobile':'false'}}", "uach.mobile" },
    { "{'v':1,'uach':{'platform':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}}",
      "uach.platform" },
    { "{'v':1,'uach':{'platform':false}}", "uach.platform" },

    /* beh */
    { "{'v':1,'beh':[]}", "beh" },
    { "{'v':1,'beh':null}", "beh" },
    { "{'v':1,'beh':{'keys':-1}}", "beh.keys" },
    { "{'v':1,'beh':{'keys':'3'}}", "beh.keys" },
    { "{'v':1,'beh':{'keys':1.5}}", "beh.keys" },
    { "{'v':1,'beh':{'t_submit':-4}}", "beh.t_submit" },
    { "{'v':1,'beh':{'t_first':null}}", "beh.t_first" },
    { "{'v':1,'beh':{'nokey':false}}", "beh.nokey" },
    { "{'v':1,'beh':{'blind':-1}}", "beh.blind" },
    { "{'v':1,'beh':{'tap':'80'}}", "beh.tap" },
    { "{'v':1,'beh':{'hold':[1,2]}}", "beh.hold" },
    { "{'v':1,'beh':{'hold':[1,2,-3]}}", "beh.hold" },
    { "{'v':1,'beh':{'hold':[1,2,'3']}}", "beh.hold" },
    { "{'v':1,'beh':{'hold':92}}", "beh.hold" },
    { "{'v':1,'beh':{'flight':[1,2,3,4]}}", "beh.flight" },
    { "{'v':1,'beh':{'straight':1001}}", "beh.straight" },
    { "{'v':1,'beh':{'speedvar':100001}}", "beh.speedvar" },
    { "{'v':1,'beh':{'paste':['password','email']}}", "beh.paste" },
    { "{'v':1,'beh':{'paste':'password'}}", "beh.paste" },
    { "{'v':1,'beh':{'paste':['Password']}}", "beh.paste" },
    { "{'v':1,'beh':{'focus':'upx'}}", "beh.focus" },
    { "{'v':1,'beh':{'focus':'upupupupupupupupu'}}", "beh.focus" },
    { "{'v':1,'beh':{'focus':['u']}}", "beh.focus" },
    { "{'v':1,'beh':{'focus':'u\\u0175'}}", "beh.focus" },
    { "{'v':1,'beh':{'ptr':'stylus'}}", "beh.ptr" },
    { "{'v':1,'beh':{'ptr':1}}", "beh.ptr" },
    { "{'v':1,'beh':{'ptr':'Mouse'}}", "beh.ptr" },

    /* the first bad field is named, and the one bad field among good */
    { "{'v':1,'ua':'x','tz':'Europe/Paris','cores':-1,'beh':{'keys':4}}",
      "cores" },
    { "{'v':1,'beh':" BEH_HUMAN ",'gl':['x',2]}", "gl" },
};


static void
test_rejected(void **state)
{
    char          err[256];
    size_t        i, n;
    lr_telemetry  t;

    (void) state;

    for (i = 0; i < LR_NELEMS(bad_rows); i++) {
        n = strlen(bad_rows[i].field);

        if (parse(bad_rows[i].json, NULL, &t, err, sizeof(err)) != -1
            || strncmp(err, bad_rows[i].field, n) != 0
            || err[n] != ':' || err[n + 1] != ' ' || err[n + 2] == '\0')
        {
            print_error("row %zu: %s\n  err \"%s\", want \"%s: ...\"\n", i,
                        bad_rows[i].json, err, bad_rows[i].field);
            fail();
        }
    }
}


static void
test_messages(void **state)
{
    char          err[256];
    lr_telemetry  t;

    (void) state;

    assert_int_equal(parse("{'v':1,'beh':{'keys':-1}}", NULL, &t, err,
                           sizeof(err)), -1);
    assert_string_equal(err, "beh.keys: not a non-negative integer");

    assert_int_equal(parse("{'v':1,'beh':{'hold':[1,2]}}", NULL, &t, err,
                           sizeof(err)), -1);
    assert_string_equal(err, "beh.hold: not an array of 3 non-negative "
                             "integers");

    assert_int_equal(parse("{'v':1,'scr':[1,100001]}", NULL, &t, err,
                           sizeof(err)), -1);
    assert_string_equal(err, "scr: not an array of 2 integers in 0..100000");

    assert_int_equal(parse("{'v':1,'ua':1}", NULL, &t, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "ua: not a string of at most 512 characters");

    assert_int_equal(parse("{'v':3}", NULL, &t, err, sizeof(err)), -1);
    assert_string_equal(err, "v: missing or not 1");

    /* jansson says which key is doubled */
    assert_int_equal(parse("{'v':1,'tz':'Europe/Paris','tz':'Asia/Tokyo'}",
                           NULL, &t, err, sizeof(err)), -1);
    assert_true(strncmp(err, "body: ", 6) == 0);
    assert_non_null(strstr(err, "duplicate"));
    assert_non_null(strstr(err, "tz"));

    assert_int_equal(parse("{'v':1,'beh':{'keys':1,'keys':2}}", NULL, &t,
                           err, sizeof(err)), -1);
    assert_non_null(strstr(err, "keys"));
}


static void
test_small_err_buffer(void **state)
{
    char          *err;
    size_t         len;
    lr_telemetry   t;

    (void) state;

    /* an exact-size heap buffer: a write past it hits ASan */
    for (len = 1; len < 12; len++) {
        err = malloc(len);
        assert_non_null(err);
        assert_int_equal(parse("{'v':1,'beh':{'hold':[1]}}", NULL, &t, err,
                               len), -1);
        assert_int_equal(strlen(err), len - 1);
        assert_memory_equal(err, "beh.hold: not", len - 1);
        free(err);
    }

    /* no buffer at all */
    assert_int_equal(parse("{'v':1,'beh':{'hold':[1]}}", NULL, &t, NULL, 0),
                     -1);
    assert_int_equal(parse("{'v':1", NULL, &t, NULL, 0), -1);
    assert_int_equal(parse("{'v':1}", NULL, &t, NULL, 0), 0);
}


static void
test_string_lengths(void **state)
{
    char          text[2048], err[256];
    size_t        n, i;
    lr_telemetry  t;

    (void) state;

    /* 512 characters of ua; 513 are too many */
    n = (size_t) snprintf(text, sizeof(text), "{'v':1,'ua':'");
    memset(text + n, 'a', 512);
    strcpy(text + n + 512, "'}");
    ok(text, NULL, &t);

    strcpy(text + n + 512, "a'}");
    assert_int_equal(parse(text, NULL, &t, err, sizeof(err)), -1);
    assert_true(strncmp(err, "ua: ", 4) == 0);

    /* characters, not bytes: 32 two-byte letters fit a platform, 33 not */
    n = (size_t) snprintf(text, sizeof(text), "{'v':1,'uach':{'platform':'");
    for (i = 0; i < 32; i++) {
        memcpy(text + n + 2 * i, "\xc3\xa9", 2);
    }
    strcpy(text + n + 64, "'}}");
    ok(text, NULL, &t);

    memcpy(text + n + 64, "\xc3\xa9'}}", 6);
    assert_int_equal(parse(text, NULL, &t, err, sizeof(err)), -1);
    assert_true(strncmp(err, "uach.platform: ", 15) == 0);

    /* an escape is one character, and so is a surrogate pair */
    ok("{'v':1,'tz':'\\u00e9\\ud83d\\ude00aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
       "aaaaaaaaaaaaaaaaaaaaaaaaaa'}", NULL, &t);
    assert_string_equal(t.timezone, "");

    /* exact limits elsewhere */
    ok("{'v':1,'cores':4096,'depth':256,'touch':256,'plugins':1000,"
       "'dpr':100,'mem':4096,'scr':[100000,0],'win':[0,0],"
       "'outer':[100000,100000],'beh':{'straight':1000,'speedvar':100000,"
       "'focus':'upoupoupoupoupou','ptr':''},"
       "'langs':['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','b','c','d','e','f',"
       "'g','h'],'auto':['1','2','3','4','5','6','7','8'],"
       "'canvas':'ABCDEF09','audio':'00000000'}", NULL, &t);
    ok("{'v':1,'dpr':0,'mem':0.25,'cores':0,'beh':{'focus':'','paste':"
       "['user','password','other','other']}}", NULL, &t);
}


static void
test_body_size(void **state)
{
    char          *body, err[256];
    int            rc;
    lr_telemetry   t;

    (void) state;

    /* 8192 bytes: '{"v":1', spaces, '}' */
    body = malloc(LR_TELEMETRY_BODY_MAX + 1);
    assert_non_null(body);
    memset(body, ' ', LR_TELEMETRY_BODY_MAX + 1);
    memcpy(body, "{\"v\":1", 6);
    body[LR_TELEMETRY_BODY_MAX - 1] = '}';

    rc = lr_telemetry_parse(body, LR_TELEMETRY_BODY_MAX, NULL, &t, err,
                            sizeof(err));
    assert_int_equal(rc, 0);

    /* one byte more */
    body[LR_TELEMETRY_BODY_MAX - 1] = ' ';
    body[LR_TELEMETRY_BODY_MAX] = '}';
    memset(&t, 0x5a, sizeof(t));

    rc = lr_telemetry_parse(body, LR_TELEMETRY_BODY_MAX + 1, NULL, &t, err,
                            sizeof(err));
    assert_int_equal(rc, -1);
    assert_true(strncmp(err, "body: ", 6) == 0);
    assert_non_null(strstr(err, "8192"));
    assert_int_equal(t.keys, 0);
    assert_int_equal(t.device_attrs, 0);

    free(body);

    /* only len bytes count: a valid document cut short is none */
    rc = lr_telemetry_parse("{\"v\":1}", 6, NULL, &t, err, sizeof(err));
    assert_int_equal(rc, -1);
    rc = lr_telemetry_parse("{\"v\":1}xyz", 7, NULL, &t, err, sizeof(err));
    assert_int_equal(rc, 0);
}


/* --- headers ------------------------------------------------------------ */

/* the mismatch bits of a document against headers */
static unsigned
mismatch(const char *text, const char *ua, const char *sec_ch_ua,
    const char *accept_language)
{
    lr_telemetry          t;
    lr_telemetry_headers  h;

    h.user_agent = ua;
    h.sec_ch_ua = sec_ch_ua;
    h.accept_language = accept_language;

    ok(text, &h, &t);

    return t.mismatch;
}


static void
test_mismatch_ua(void **state)
{
    const char  *d;

    (void) state;

    d = "{'v':1,'ua':'" UA_LINUX "'}";

    assert_int_equal(mismatch(d, UA_LINUX, NULL, NULL), 0);
    assert_int_equal(mismatch(d, UA_WINDOWS, NULL, NULL), LR_MISMATCH_UA);
    assert_int_equal(mismatch(d, UA_LINUX " ", NULL, NULL), LR_MISMATCH_UA);
    assert_int_equal(mismatch(d, "", NULL, NULL), LR_MISMATCH_UA);
    assert_int_equal(mismatch(d, "mozilla/5.0 (x11; linux x86_64) "
                              "applewebkit/537.36 (khtml, like gecko) "
                              "chrome/156.0.0.0 safari/537.36", NULL, NULL),
                     LR_MISMATCH_UA);

    /* one side missing: nothing to compare */
    assert_int_equal(mismatch(d, NULL, NULL, NULL), 0);
    assert_int_equal(mismatch("{'v':1}", UA_LINUX, NULL, NULL), 0);
}


typedef struct {
    const char  *header;
    int          match;
} sec_ch_ua_row;


static const sec_ch_ua_row  sec_ch_ua_rows[] = {
    { SEC_CH_UA, 1 },

    /* another order, other white space */
    { "\"Google Chrome\";v=\"156\",\"Chromium\";v=\"156\",\"Not-A.Brand\";"
      "v=\"24\"", 1 },
    { "  \"Chromium\";v=\"156\" ,\t\"Not-A.Brand\";v=\"24\",   "
      "\"Google Chrome\";v=\"156\"  ", 1 },
    /* other parameters are skipped */
    { "\"Chromium\";v=\"156\";x=1;y=\"z\";w;  full=?1, \"Not-A.Brand\";"
      "v=\"24\";a=tok/en:x, \"Google Chrome\";v=\"156\"", 1 },
    /* a repeated brand is the same set */
    { SEC_CH_UA ", \"Chromium\";v=\"156\"", 1 },

    /* other versions, fewer or more brands */
    { "\"Chromium\";v=\"155\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\";v=\"156\", \"Not-A.Brand\";v=\"24\"", 0 },
    { SEC_CH_UA ", \"Microsoft Edge\";v=\"156\"", 0 },
    { "\"chromium\";v=\"156\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\";v=\"156.0\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "", 0 },

    /* malformed: a mismatch */
    { "\"Chromium;v=\"156\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\", \"Not-A.Brand\";v=\"24\", \"Google Chrome\";v=\"156\"",
      0 },
    { "\"Chromium\";v=156, \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\";v, \"Not-A.Brand\";v=\"24\", \"Google Chrome\";v=\"156\"",
      0 },
    { SEC_CH_UA ",", 0 },
    { SEC_CH_UA ", ", 0 },
    { ", " SEC_CH_UA, 0 },
    { "\"Chromium\";v=\"156\",, \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "Chromium;v=\"156\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chr\\omium\";v=\"156\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { SEC_CH_UA " x", 0 },
    { SEC_CH_UA ";", 0 },
    { SEC_CH_UA ";V=\"1\"", 0 },
    { "\"Chromium\";v=\"156\" \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\";v=\"15\x01\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\xc3\xa9\";v=\"156\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium\";v=\"156", 0 },
    { "\"Chromium\\", 0 },
    { "\"", 0 },
    { "\"Chromium\";v=", 0 },

    /* more brands than uach.brands may hold */
    { SEC_CH_UA ", \"Chromium\";v=\"156\", \"Chromium\";v=\"156\", "
      "\"Chromium\";v=\"156\", \"Chromium\";v=\"156\", "
      "\"Chromium\";v=\"156\", \"Chromium\";v=\"156\"", 0 },
};


static void
test_sec_ch_ua(void **state)
{
    char         brand[128], header[128];
    size_t       i;
    unsigned     want;
    const char  *d;

    (void) state;

    d = "{'v':1,'uach':{'brands':['Chromium/156','Not-A.Brand/24',"
        "'Google Chrome/156']}}";

    for (i = 0; i < LR_NELEMS(sec_ch_ua_rows); i++) {
        want = sec_ch_ua_rows[i].match ? 0 : LR_MISMATCH_UA;

        if (mismatch(d, NULL, sec_ch_ua_rows[i].header, NULL) != want) {
            lr_print_failed("row", i, sec_ch_ua_rows[i].header,
                            strlen(sec_ch_ua_rows[i].header));
            fail();
        }
    }

    /* GREASE brands carry '/', ';', '(' and escapes */
    d = "{'v':1,'uach':{'brands':['Not/A)Brand/8','Chromium/126',"
        "'Not\\\\A;\\\"Brand/99']}}";
    assert_int_equal(mismatch(d, NULL, "\"Not/A)Brand\";v=\"8\", "
                              "\"Chromium\";v=\"126\", "
                              "\"Not\\\\A;\\\"Brand\";v=\"99\"", NULL), 0);
    assert_int_equal(mismatch(d, NULL, "\"Not/A)Brand\";v=\"8\", "
                              "\"Chromium\";v=\"126\", "
                              "\"Not\\\\A;\\\"Brand\";v=\"98\"", NULL),
                     LR_MISMATCH_UA);

    /* a version is a "v" string, even an empty one */
    d = "{'v':1,'uach':{'brands':['Chromium/']}}";
    assert_int_equal(mismatch(d, NULL, "\"Chromium\";v=\"\"", NULL), 0);
    assert_int_equal(mismatch(d, NULL, "\"Chromium\";x=\"\"", NULL),
                     LR_MISMATCH_UA);
    assert_int_equal(mismatch(d, NULL, "\"Chromium\"", NULL),
                     LR_MISMATCH_UA);

    /* empty on both sides */
    d = "{'v':1,'uach':{'brands':[]}}";
    assert_int_equal(mismatch(d, NULL, "", NULL), 0);
    assert_int_equal(mismatch(d, NULL, " ", NULL), 0);
    assert_int_equal(mismatch(d, NULL, SEC_CH_UA, NULL), LR_MISMATCH_UA);

    /* "Brand/major" of 64 characters matches; in the header, one more
     * cannot (uach.brands could not hold it) */
    memcpy(brand, "{'v':1,'uach':{'brands':['", 26);
    memset(brand + 26, 'a', 60);
    strcpy(brand + 86, "/156']}}");
    header[0] = '"';
    memset(header + 1, 'a', 60);
    strcpy(header + 61, "\";v=\"156\"");
    assert_int_equal(mismatch(brand, NULL, header, NULL), 0);

    header[0] = '"';
    memset(header + 1, 'a', 61);
    strcpy(header + 62, "\";v=\"156\"");
    assert_int_equal(mismatch(brand, NULL, header, NULL), LR_MISMATCH_UA);

    strcpy(header + 62, "\";v=\"\"");
    assert_int_equal(mismatch(brand, NULL, header, NULL), LR_MISMATCH_UA);

    /* nothing to compare */
    assert_int_equal(mismatch("{'v':1,'uach':{'platform':'Linux'}}", NULL,
                              SEC_CH_UA, NULL), 0);
    assert_int_equal(mismatch("{'v':1}", NULL, "garbage", NULL), 0);
    assert_int_equal(mismatch("{'v':1,'uach':{'brands':['Chromium/156']}}",
                              NULL, NULL, NULL), 0);
}


typedef struct {
    const char  *header;
    unsigned     want;
} accept_language_row;


static const accept_language_row  accept_language_rows[] = {
    { "de-CH,de;q=0.9,en;q=0.8", 0 },
    { "de", 0 },
    { "DE-at", 0 },
    { "de_CH", 0 },
    { "  de-CH ; q=0.5 , fr", 0 },
    { "*, de", 0 },
    { "*;q=0.1,de-DE", 0 },
    { ";q=0.5, de", 0 },
    { ",,de", 0 },

    { "fr-CH, fr;q=0.9", LR_MISMATCH_LANG },
    { "en;q=0.1, de;q=0.9", LR_MISMATCH_LANG },
    { "*, fr", LR_MISMATCH_LANG },
    { "deu", LR_MISMATCH_LANG },
    { "dee-CH", LR_MISMATCH_LANG },

    /* what lr_lang_fits_country() skips is no first language */
    { "d, fr", LR_MISMATCH_LANG },
    { "-CH, fr", LR_MISMATCH_LANG },
    { "fr;q=0, de", 0 },
    { "fr;q=x, de", 0 },

    /* no language: nothing to compare */
    { "", 0 },
    { "*", 0 },
    { " , ;q=1", 0 },
    { "-CH", 0 },
    { "d", 0 },
};


static void
test_accept_language(void **state)
{
    size_t       i;
    const char  *d;

    (void) state;

    d = "{'v':1,'langs':['de-CH','en']}";

    for (i = 0; i < LR_NELEMS(accept_language_rows); i++) {
        if (mismatch(d, NULL, NULL, accept_language_rows[i].header)
            != accept_language_rows[i].want)
        {
            lr_print_failed("row", i, accept_language_rows[i].header,
                            strlen(accept_language_rows[i].header));
            fail();
        }
    }

    /* only langs[0] counts, case-insensitively */
    assert_int_equal(mismatch("{'v':1,'langs':['EN','de']}", NULL, NULL,
                              "en-us"), 0);
    assert_int_equal(mismatch("{'v':1,'langs':['en','de']}", NULL, NULL,
                              "de"), LR_MISMATCH_LANG);

    /* a deprecated code is its successor's language (lr_locale.h) */
    assert_int_equal(mismatch("{'v':1,'langs':['he-IL']}", NULL, NULL,
                              "iw-IL,iw;q=0.9"), 0);

    /* nothing to compare */
    assert_int_equal(mismatch("{'v':1,'langs':[]}", NULL, NULL, "fr"), 0);
    assert_int_equal(mismatch("{'v':1,'langs':['']}", NULL, NULL, "fr"), 0);
    assert_int_equal(mismatch("{'v':1,'langs':['-x']}", NULL, NULL, "fr"), 0);
    assert_int_equal(mismatch("{'v':1}", NULL, NULL, "fr"), 0);
    assert_int_equal(mismatch(d, NULL, NULL, NULL), 0);

    /* both kinds at once */
    assert_int_equal(mismatch("{'v':1,'ua':'a','langs':['ja']}", "b", NULL,
                              "ko"), LR_MISMATCH_UA | LR_MISMATCH_LANG);
}


/* --- device attributes, timezone, languages ----------------------------- */

static void
test_device_attrs(void **state)
{
    uint32_t  v;

    (void) state;

    /* nothing known */
    assert_int_equal(attrs("'ua':'curl/8.5.0'"), 0);
    assert_int_equal(attrs("'win':[1920,960],'touch':5,'plugins':3"), 0);
    assert_int_equal(attrs("'gl':['','']"), 0);
    assert_int_equal(attrs("'tz':''"), 0);

    /* a screen is the same screen turned */
    v = attrs("'scr':[1080,1920]");
    assert_int_equal(v, lr_devattr_set(0, LR_DEVATTR_SCREEN,
                                       lr_devattr_cell_of("1920x1080")));
    assert_int_equal(attrs("'scr':[1920,1080]"), v);

    v = attrs("'gl':['" GL_VENDOR "','']");
    assert_int_equal(v, lr_devattr_set(0, LR_DEVATTR_GPU,
                                       lr_devattr_cell_of(GL_VENDOR "\n")));

    /* platform: the client hint, else the UA's OS */
    assert_int_equal(attrs("'uach':{'platform':'Windows'},'ua':'" UA_LINUX
                           "'"),
                     lr_devattr_set(0, LR_DEVATTR_PLATFORM,
                                    lr_devattr_cell_of("Windows")));
    assert_int_equal(attrs("'ua':'" UA_WINDOWS "'"),
                     lr_devattr_set(0, LR_DEVATTR_PLATFORM,
                                    lr_devattr_cell_of("Windows")));
    assert_int_equal(attrs("'uach':{'platform':''},'ua':'" UA_WINDOWS "'"),
                     lr_devattr_set(0, LR_DEVATTR_PLATFORM,
                                    lr_devattr_cell_of("Windows")));

    /* hardware and display: one half is enough; 16 and 16.0 are one */
    assert_int_equal(attrs("'cores':8"),
                     lr_devattr_set(0, LR_DEVATTR_HARDWARE,
                                    lr_devattr_cell_of("8/")));
    assert_int_equal(attrs("'mem':0.5"),
                     lr_devattr_set(0, LR_DEVATTR_HARDWARE,
                                    lr_devattr_cell_of("/0.5")));
    assert_int_equal(attrs("'cores':8,'mem':16.0"),
                     attrs("'mem':16,'cores':8"));
    assert_int_equal(attrs("'depth':30"),
                     lr_devattr_set(0, LR_DEVATTR_DISPLAY,
                                    lr_devattr_cell_of("/30")));
    assert_int_equal(attrs("'dpr':2,'depth':24"),
                     lr_devattr_set(0, LR_DEVATTR_DISPLAY,
                                    lr_devattr_cell_of("2/24")));

    /* hex in either case is one hash */
    assert_int_equal(attrs("'canvas':'ABCDEF01'"),
                     attrs("'canvas':'abcdef01'"));
    assert_int_equal(attrs("'audio':'ABCDEF01'"),
                     lr_devattr_set(0, LR_DEVATTR_AUDIO,
                                    lr_devattr_cell_of("abcdef01")));

    assert_int_equal(attrs("'tz':'Asia/Tokyo'"),
                     lr_devattr_set(0, LR_DEVATTR_TIMEZONE,
                                    lr_devattr_cell_of("Asia/Tokyo")));
}


static void
test_timezone(void **state)
{
    size_t        i;
    char          text[256];
    lr_telemetry  t;

    static const struct {
        const char  *tz;
        const char  *want;
    } rows[] = {
        { "Europe/Zurich", "Europe/Zurich" },
        { "America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires" },
        { "Etc/GMT+3", "Etc/GMT+3" },
        { "Etc/GMT-14", "Etc/GMT-14" },
        { "UTC", "UTC" },
        { "", "" },
        { "Europe Zurich", "" },
        { "Europe/Zurich\\n", "" },
        { "Asia/T\\u014dky\\u014d", "" },
        { "<script>", "" },
        { "Europe/Zurich;", "" },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        snprintf(text, sizeof(text), "{'v':1,'tz':'%s'}", rows[i].tz);
        ok(text, NULL, &t);

        if (strcmp(t.timezone, rows[i].want) != 0) {
            print_error("row %zu: \"%s\"\n", i, t.timezone);
            fail();
        }
    }

    /* 64 characters */
    memset(text, 0, sizeof(text));
    strcpy(text, "{'v':1,'tz':'");
    memset(text + strlen(text), 'Z', LR_TELEMETRY_TZ_MAX);
    strcat(text, "'}");
    ok(text, NULL, &t);
    assert_int_equal(strlen(t.timezone), LR_TELEMETRY_TZ_MAX);
}


static void
test_languages(void **state)
{
    lr_telemetry  t;

    (void) state;

    ok("{'v':1,'langs':['en-US','x<y>','','fr','zh-Hant-TW','de_CH','es']}",
       NULL, &t);
    assert_string_equal(t.languages, "en-US,fr,zh-Hant-TW,es");

    ok("{'v':1,'langs':['ja']}", NULL, &t);
    assert_string_equal(t.languages, "ja");

    ok("{'v':1,'langs':[]}", NULL, &t);
    assert_string_equal(t.languages, "");

    ok("{'v':1,'langs':['a,b']}", NULL, &t);
    assert_string_equal(t.languages, "");

    /* 31 + ',' + 32 = 64: fits; a third would not, nor a later short one */
    ok("{'v':1,'langs':['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',"
       "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','c','d']}", NULL, &t);
    assert_string_equal(t.languages, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,"
                                     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    ok("{'v':1,'langs':['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',"
       "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','c']}", NULL, &t);
    assert_string_equal(t.languages, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}


/* --- the summary -------------------------------------------------------- */

static void
assert_same(const lr_telemetry *a, const lr_telemetry *b)
{
    assert_int_equal(a->automation, b->automation);
    assert_int_equal(a->scripted, b->scripted);
    assert_int_equal(a->mismatch, b->mismatch);
    assert_int_equal(a->paste_password, b->paste_password);
    assert_int_equal(a->device_attrs, b->device_attrs);
    assert_true(a->ua_hash == b->ua_hash);
    assert_int_equal(a->keys, b->keys);
    assert_int_equal(a->moves, b->moves);
    assert_int_equal(a->submit_ms, b->submit_ms);
    assert_string_equal(a->timezone, b->timezone);
    assert_string_equal(a->languages, b->languages);
}


/* encodes t into an exact-size heap block (ASan catches a write past it) */
static unsigned char *
encode(const lr_telemetry *t, size_t *len)
{
    unsigned char  buf[LR_TELEMETRY_SUMMARY_MAX];

    *len = lr_telemetry_encode(t, buf, sizeof(buf));
    assert_true(*len > 0 && *len <= LR_TELEMETRY_SUMMARY_MAX);

    return lr_heap_copy(buf, *len);
}


static int
decode(const unsigned char *buf, size_t len, lr_telemetry *out)
{
    int            rc;
    unsigned char  *copy;
    lr_telemetry    zero;

    copy = lr_heap_copy(buf, len);
    memset(out, 0x5a, sizeof(*out));
    rc = lr_telemetry_decode(copy, len, out);
    free(copy);

    if (rc != 0) {
        memset(&zero, 0, sizeof(zero));
        assert_memory_equal(out, &zero, sizeof(zero));
    }

    return rc;
}


/* the largest summary there is */
static void
max_summary(lr_telemetry *t)
{
    memset(t, 0, sizeof(*t));
    t->automation = 0x3f;
    t->scripted = 0x1f;
    t->mismatch = 0x3;
    t->paste_password = 1;
    t->device_attrs = 0xffffffff;
    t->ua_hash = UINT64_MAX;
    t->keys = UINT32_MAX;
    t->moves = UINT32_MAX - 1;
    t->submit_ms = 0x80000001;
    memset(t->timezone, 'Z', LR_TELEMETRY_TZ_MAX);
    memset(t->languages, 'a', LR_TELEMETRY_LANGS_MAX);
    t->languages[10] = ',';
    t->languages[20] = '-';
}


static void
test_round_trip(void **state)
{
    size_t          len;
    lr_telemetry    t, back;
    unsigned char  *buf;

    (void) state;

    /* a parsed document */
    ok(FULL, &full_headers, &t);
    buf = encode(&t, &len);
    assert_int_equal(buf[0], 1);
    assert_int_equal(len, 29 + 1 + strlen("Europe/Zurich") + 1
                          + strlen("de-CH,de,en-US"));
    assert_int_equal(decode(buf, len, &back), 0);
    assert_same(&t, &back);
    free(buf);

    /* a scripted one */
    ok("{'v':1,'auto':['webdriver','zero_outer'],'langs':['fr'],"
       "'beh':{'keys':12,'hold':[4,4,8],'flight':[8,8,12],'t_submit':40,"
       "'paste':['password'],'moves':3}}", &full_headers, &t);
    buf = encode(&t, &len);
    assert_int_equal(decode(buf, len, &back), 0);
    assert_same(&t, &back);
    assert_int_equal(back.mismatch, LR_MISMATCH_LANG);
    assert_int_equal(back.paste_password, 1);
    free(buf);

    /* nothing at all */
    memset(&t, 0, sizeof(t));
    buf = encode(&t, &len);
    assert_int_equal(len, 31);
    assert_int_equal(decode(buf, len, &back), 0);
    assert_same(&t, &back);
    free(buf);

    /* everything at its largest */
    max_summary(&t);
    buf = encode(&t, &len);
    assert_int_equal(len, 29 + 2 + LR_TELEMETRY_TZ_MAX
                          + LR_TELEMETRY_LANGS_MAX);
    assert_int_equal(decode(buf, len, &back), 0);
    assert_same(&t, &back);

    /* little-endian, in its place */
    assert_memory_equal(buf + 5, "\xff\xff\xff\xff", 4);
    assert_memory_equal(buf + 21, "\xfe\xff\xff\xff", 4);
    assert_memory_equal(buf + 25, "\x01\x00\x00\x80", 4);
    free(buf);
}


static void
test_encode_small_buffer(void **state)
{
    size_t          len, cap;
    lr_telemetry    t;
    unsigned char  *buf, *out;

    (void) state;

    ok(FULL, &full_headers, &t);
    buf = encode(&t, &len);

    for (cap = 0; cap <= len; cap++) {
        out = malloc(cap > 0 ? cap : 1);
        assert_non_null(out);
        assert_int_equal(lr_telemetry_encode(&t, out, cap),
                         cap < len ? 0 : len);
        if (cap == len) {
            assert_memory_equal(out, buf, len);
        }
        free(out);
    }

    free(buf);
}


static void
test_decode_rejects(void **state)
{
    size_t          len, n, tz;
    lr_telemetry    t, back;
    unsigned char  *buf, bad[LR_TELEMETRY_SUMMARY_MAX + 2];

    (void) state;

    ok(FULL, &full_headers, &t);
    buf = encode(&t, &len);
    tz = 29;                               /* the timezone's length byte */
    assert_int_equal(buf[tz], strlen("Europe/Zurich"));

    assert_int_equal(lr_telemetry_decode(NULL, 0, &back), -1);

    /* every shorter buffer, and one byte more */
    for (n = 0; n < len; n++) {
        if (decode(buf, n, &back) != -1) {
            print_error("length %zu of %zu accepted\n", n, len);
            fail();
        }
    }

    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_int_equal(decode(bad, len + 1, &back), -1);

#define CORRUPT(i, v)                                                         \
    memcpy(bad, buf, len);                                                    \
    bad[i] = (unsigned char) (v);                                             \
    if (decode(bad, len, &back) != -1) {                                      \
        print_error("byte %d = 0x%02x accepted\n", (int) (i),                 \
                    (unsigned) (v));                                          \
        fail();                                                               \
    }

    /* version */
    CORRUPT(0, 0);
    CORRUPT(0, 2);
    CORRUPT(0, 0xff);

    /* flags no version 1 has */
    CORRUPT(1, 0x40);
    CORRUPT(1, 0x80);
    CORRUPT(2, 0x20);
    CORRUPT(3, 0x08);
    CORRUPT(4, 2);

    /* length bytes: past the buffer, past the maximum, shorter */
    CORRUPT(tz, 200);
    CORRUPT(tz, 65);
    CORRUPT(tz, 12);
    CORRUPT(tz, 14);
    CORRUPT(len - 15, 15);
    CORRUPT(len - 15, 13);
    CORRUPT(len - 15, 0);

    /* characters neither string may hold */
    CORRUPT(tz + 1, ' ');
    CORRUPT(tz + 1, '\0');
    CORRUPT(tz + 1, 0x80);
    CORRUPT(tz + 7, ',');
    CORRUPT(tz + 7, '"');
    CORRUPT(len - 1, ';');
    CORRUPT(len - 1, '\0');
    CORRUPT(len - 1, '_');
    CORRUPT(len - 1, ',');          /* "de-CH,de,en-U," */
    CORRUPT(len - 14, ',');         /* ",e-CH,de,en-US" */
    CORRUPT(len - 8, ',');          /* "de-CH,,e,en-US" */

#undef CORRUPT

    /* the same bytes, untouched, still decode */
    assert_int_equal(decode(buf, len, &back), 0);
    assert_same(&t, &back);

    /* a timezone of 65 good characters, then no languages: one too long
     * for the summary's buffer */
    memset(bad, 0, sizeof(bad));
    bad[0] = 1;
    bad[tz] = LR_TELEMETRY_TZ_MAX + 1;
    memset(bad + tz + 1, 'Z', LR_TELEMETRY_TZ_MAX + 1);
    bad[tz + 1 + LR_TELEMETRY_TZ_MAX + 1] = 0;
    assert_int_equal(decode(bad, tz + 1 + LR_TELEMETRY_TZ_MAX + 2, &back),
                     -1);
    bad[tz] = LR_TELEMETRY_TZ_MAX;
    bad[tz + 1 + LR_TELEMETRY_TZ_MAX] = 0;
    assert_int_equal(decode(bad, tz + 1 + LR_TELEMETRY_TZ_MAX + 1, &back), 0);
    assert_int_equal(strlen(back.timezone), LR_TELEMETRY_TZ_MAX);

    /* the same for the languages */
    memset(bad, 0, sizeof(bad));
    bad[0] = 1;
    bad[tz + 1] = LR_TELEMETRY_LANGS_MAX + 1;
    memset(bad + tz + 2, 'a', LR_TELEMETRY_LANGS_MAX + 1);
    assert_int_equal(decode(bad, tz + 2 + LR_TELEMETRY_LANGS_MAX + 1, &back),
                     -1);
    bad[tz + 1] = LR_TELEMETRY_LANGS_MAX;
    assert_int_equal(decode(bad, tz + 2 + LR_TELEMETRY_LANGS_MAX, &back), 0);
    assert_int_equal(strlen(back.languages), LR_TELEMETRY_LANGS_MAX);

    /* a maximal summary with a 65th timezone byte */
    max_summary(&t);
    free(buf);
    buf = encode(&t, &len);
    memcpy(bad, buf, len);
    bad[tz] = LR_TELEMETRY_TZ_MAX + 1;
    assert_int_equal(decode(bad, len, &back), -1);

    free(buf);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_full_document),
        cmocka_unit_test(test_minimal_document),
        cmocka_unit_test(test_unknown_fields_ignored),
        cmocka_unit_test(test_scripted_bits),
        cmocka_unit_test(test_huge_counts),
        cmocka_unit_test(test_automation_names),
        cmocka_unit_test(test_automation_headless_ua),
        cmocka_unit_test(test_paste),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_small_err_buffer),
        cmocka_unit_test(test_string_lengths),
        cmocka_unit_test(test_body_size),
        cmocka_unit_test(test_mismatch_ua),
        cmocka_unit_test(test_sec_ch_ua),
        cmocka_unit_test(test_accept_language),
        cmocka_unit_test(test_device_attrs),
        cmocka_unit_test(test_timezone),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_small_buffer),
        cmocka_unit_test(test_decode_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
