// Alertmanager's notification templates: the default ones, user files, template.Data and the
// functions, as text/template and as html/template.
//
// Every expected string is what Alertmanager 0.25 (Debian's prometheus-alertmanager and amtool
// 0.25.0, built with Go 1.19) produced on the same notification. Real Alertmanager was run with
// a webhook, two Slack receivers (api_url on a local HTTP sink) and two email receivers (a local
// aiosmtpd), and sent the three alerts of notification() below; its webhook message is
// template_data_json's, byte for byte, and what it sent to Slack and by mail gave the
// defaults. The rest came from `amtool template render --template.data=<that webhook message>
// --template.glob='/usr/share/prometheus/alertmanager/*.tmpl' [--template.type=html]`, which
// runs the same template package on the same data; amtool passes a template.Data where the
// notifiers pass a *template.Data, and the server's log gave the latter's wording.
#include "ruler/notify/templates.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <optional>

#include "common/time_format.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch::notify;
namespace tmpl = stackwatch::tmpl;

namespace {

TimePoint at(const char* text) {
    std::optional<TimePoint> tp;
    BOOST_REQUIRE(stackwatch::parse_rfc3339(text, tp) && tp);
    return *tp;
}

Alert disk_full(const std::string& instance, const std::string& severity) {
    Alert a;
    a.labels = {{"alertname", "DiskFull"},
                {"cluster", "c1"},
                {"instance", instance},
                {"job", "postgres"},
                {"severity", severity}};
    a.annotations = {{"summary", "Disk <full> & \"ok\""}};
    return a;
}

// Two alerts firing and one resolved, grouped by alertname, for the receiver "team-x.prod".
NotificationData notification() {
    Alert db1 = disk_full("db-1:9187", "critical");
    db1.annotations["description"] = "It's 95%+ full";
    db1.starts_at = at("2023-01-02T15:04:05.123456789Z");
    db1.generator_url = "http://prom.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1";
    Alert db2 = disk_full("db-2:9187", "critical");
    db2.starts_at = at("2023-01-02T15:00:00Z");
    db2.generator_url = "http://prom.example:9090/graph?g0.expr=x";
    Alert db3 = disk_full("db-3:9187", "warning");
    db3.annotations["runbook"] = "https://runbooks/disk";
    db3.starts_at = at("2023-01-02T14:00:00Z");
    db3.ends_at = at("2023-01-02T14:30:00.5Z");
    db3.generator_url = "http://prom.example:9090/graph?g0.expr=y";
    NotificationData data;
    data.receiver = "team-x.prod";
    data.group_labels = {{"alertname", "DiskFull"}};
    data.external_url = "http://am.example:9093";
    data.now = at("2023-01-02T16:00:00Z");
    data.alerts = {db1, db2, db3};
    sort_for_notification(data.alerts);
    return data;
}

const NotificationTemplates& defaults() {
    static const NotificationTemplates templates = NotificationTemplates::load({});
    return templates;
}

std::string run(const std::string& text, const NotificationTemplates& t = defaults()) {
    try {
        return t.execute(text, notification());
    } catch (const tmpl::TemplateError& e) {
        return std::string("error: ") + e.what();
    }
}

std::string run_html(const std::string& text, const NotificationTemplates& t = defaults()) {
    try {
        return t.execute_html(text, notification());
    } catch (const tmpl::TemplateError& e) {
        return std::string("error: ") + e.what();
    }
}

// FNV-1a, to compare a long text with Alertmanager's without keeping a copy of it here.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
    return hash;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A directory of template files, removed afterwards.
struct TemplateFiles {
    std::filesystem::path dir = stackwatch::test::make_temp_dir("stackwatch-templates");
    ~TemplateFiles() { stackwatch::test::remove_dir(dir); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
};

std::string load_error(const std::vector<std::string>& globs) {
    try {
        NotificationTemplates::load(globs);
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_templates)

BOOST_AUTO_TEST_CASE(default_subject_and_slack_texts) {
    BOOST_TEST(run("{{ template \"__subject\" . }}") == "[FIRING:2] DiskFull (c1 postgres)");
    BOOST_TEST(run("{{ template \"slack.default.title\" . }}") ==
               "[FIRING:2] DiskFull (c1 postgres)");
    BOOST_TEST(run("{{ template \"slack.default.text\" . }}") == "");
    BOOST_TEST(run("{{ template \"slack.default.fallback\" . }}") ==
               "[FIRING:2] DiskFull (c1 postgres) | "
               "http://am.example:9093/#/alerts?receiver=team-x%5C.prod");
    BOOST_TEST(run("{{ template \"slack.default.username\" . }}") == "Alertmanager");
    BOOST_TEST(run("{{ template \"slack.default.titlelink\" . }}") ==
               "http://am.example:9093/#/alerts?receiver=team-x%5C.prod");
    BOOST_TEST(run("{{ template \"email.default.subject\" . }}") ==
               "[FIRING:2] DiskFull (c1 postgres)");
    BOOST_TEST(run("{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}") ==
               "Labels:\n - alertname = DiskFull\n - cluster = c1\n - instance = db-3:9187\n"
               " - job = postgres\n - severity = warning\nAnnotations:\n"
               " - runbook = https://runbooks/disk\n - summary = Disk <full> & \"ok\"\n"
               "Source: http://prom.example:9090/graph?g0.expr=y\n");
    BOOST_TEST(run("") == "");
    BOOST_TEST(run("   ") == "   ");  // a blank text is itself, not default.tmpl's top level
}

BOOST_AUTO_TEST_CASE(default_email_html) {
    std::string html = run_html("{{ template \"email.default.html\" . }}");
    // What Alertmanager mailed, all 15403 bytes of it.
    BOOST_TEST(html.size() == 15403U);
    BOOST_TEST(fnv1a(html) == 0x9c540617f3ae6e38ULL);
    BOOST_TEST(html.starts_with("\n\n<!DOCTYPE html PUBLIC"));  // the license comment is dropped
    BOOST_TEST(!has(html, "<!--"));
    BOOST_TEST(has(html, "<title>[FIRING:2] DiskFull (c1 postgres)</title>"));
    BOOST_TEST(has(html, "3 alerts for \n                alertname=DiskFull\n              \n"));
    BOOST_TEST(has(html, "<a href=\"http://am.example:9093/#/alerts?receiver=team-x%5C.prod\""));
    BOOST_TEST(has(html, "[2] Firing</strong>"));
    BOOST_TEST(has(html, "[1] Resolved</strong>"));
    BOOST_TEST(has(html, "summary = Disk &lt;full&gt; &amp; &#34;ok&#34;<br"));
    BOOST_TEST(has(html,
                   "href=\"http://prom.example:9090/graph?g0.expr=up&#43;%3D%3D&#43;0&amp;"
                   "g0.tab=1\""));
    BOOST_TEST(has(html, ">Sent by Alertmanager</a>"));
}

BOOST_AUTO_TEST_CASE(template_data_as_go_prints_it) {
    BOOST_TEST(run("{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}") ==
               "team-x\\.prod|firing|http://am.example:9093");
    BOOST_TEST(run("{{ .GroupLabels }}|{{ .CommonLabels }}|{{ .CommonAnnotations }}") ==
               "map[alertname:DiskFull]|map[alertname:DiskFull cluster:c1 job:postgres]|"
               "map[summary:Disk <full> & \"ok\"]");
    BOOST_TEST(run("{{ .CommonLabels.SortedPairs }}|{{ .CommonLabels.Names }}|"
                   "{{ .CommonLabels.Values }}") ==
               "[{alertname DiskFull} {cluster c1} {job postgres}]|[alertname cluster job]|"
               "[DiskFull c1 postgres]");
    BOOST_TEST(run("{{ .CommonLabels.SortedPairs.Names }} {{ .CommonLabels.SortedPairs.Values }} "
                   "{{ index .CommonLabels.SortedPairs 1 }} "
                   "{{ (index .CommonLabels.SortedPairs 0).Value }}") ==
               "[alertname cluster job] [DiskFull c1 postgres] {cluster c1} DiskFull");
    BOOST_TEST(run("{{ .CommonLabels.Remove .GroupLabels.Names }}|{{ len .Alerts.Firing }}|"
                   "{{ .Alerts.Resolved | len }}") == "map[cluster:c1 job:postgres]|2|1");
    BOOST_TEST(run("{{ $x := .CommonLabels }}{{ $x.Remove (stringSlice \"job\") }}|"
                   "{{ (.CommonLabels.Remove .GroupLabels.Names).Values }}") ==
               "map[alertname:DiskFull cluster:c1]|[c1 postgres]");
    BOOST_TEST(
        run("{{ range $i, $a := .Alerts }}{{ $i }}: {{ $a.Status }} {{ $a.Fingerprint }} "
            "{{ $a.StartsAt }} / {{ $a.EndsAt }} {{ $a.Labels.instance }}\n{{ end }}") ==
        "0: firing 7529bf58f1141b4c 2023-01-02 15:04:05.123456789 +0000 UTC / 0001-01-01 00:00:00 "
        "+0000 UTC db-1:9187\n"
        "1: firing 6a51c9205ff33f5b 2023-01-02 15:00:00 +0000 UTC / 0001-01-01 00:00:00 +0000 UTC "
        "db-2:9187\n"
        "2: resolved 4800543fcee7fcd9 2023-01-02 14:00:00 +0000 UTC / 2023-01-02 14:30:00.5 +0000 "
        "UTC db-3:9187\n");
    BOOST_TEST(run("{{ index .Alerts 0 }}") ==
               "{firing map[alertname:DiskFull cluster:c1 instance:db-1:9187 job:postgres "
               "severity:critical] map[description:It's 95%+ full summary:Disk <full> & \"ok\"] "
               "2023-01-02 15:04:05.123456789 +0000 UTC 0001-01-01 00:00:00 +0000 UTC "
               "http://prom.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1 7529bf58f1141b4c}");
}

BOOST_AUTO_TEST_CASE(ranges_and_conditions_over_slices_and_maps) {
    BOOST_TEST(
        run("{{ range .Alerts.Firing }}{{ .Labels.instance }} {{ end }}"
            "{{ range $i, $p := .CommonLabels.SortedPairs }}{{ $i }}{{ $p.Name }}{{ end }}") ==
        "db-1:9187 db-2:9187 0alertname1cluster2job");
    BOOST_TEST(run("{{ range $k, $v := .CommonAnnotations }}{{ $k }}={{ $v }}{{ else }}none"
                   "{{ end }}{{ range .Alerts.Resolved }}{{ .Fingerprint }}{{ end }}"
                   "{{ range (stringSlice) }}x{{ else }}empty{{ end }}") ==
               "summary=Disk <full> & \"ok\"4800543fcee7fcd9empty");
    BOOST_TEST(run("{{ with .Alerts.Resolved }}{{ len . }}{{ end }}{{ if .Alerts.Firing }}F"
                   "{{ end }}{{ if .CommonLabels.Remove .CommonLabels.Names }}nonempty{{ else }}"
                   "empty{{ end }}") == "1Fempty");
}

BOOST_AUTO_TEST_CASE(times_print_and_format_like_go) {
    BOOST_TEST(run("{{ (index .Alerts 0).StartsAt.Format \"Mon Jan _2 15:04:05.000 MST 2006 "
                   "-07:00 Z07:00 pm 3 002\" }}|{{ (index .Alerts 0).StartsAt.Unix }}|"
                   "{{ (index .Alerts 2).EndsAt.IsZero }}{{ (index .Alerts 0).EndsAt.IsZero }}") ==
               "Mon Jan  2 15:04:05.123 UTC 2023 +00:00 Z pm 3 002|1672671845|falsetrue");
    BOOST_TEST(run("{{ range .Alerts }}{{ .StartsAt.Format \"2006-01-02T15:04:05Z07:00\" }} "
                   "{{ .EndsAt.Format \"January 2, 2006 3:04:05.999 PM\" }} "
                   "{{ .StartsAt.UnixMilli }};{{ end }}") ==
               "2023-01-02T15:04:05Z January 1, 0001 12:00:00 AM 1672671845123;"
               "2023-01-02T15:00:00Z January 1, 0001 12:00:00 AM 1672671600000;"
               "2023-01-02T14:00:00Z January 2, 2023 2:30:00.5 PM 1672668000000;");
}

BOOST_AUTO_TEST_CASE(alertmanager_functions) {
    BOOST_TEST(run("{{ title \"hello wORLD it's 123abc foo.bar foo..bar_baz x-y élan ÉCOLE\" }}|"
                   "{{ title \"\" }}|{{ title \"ALERT:disk_full\" }}") ==
               "Hello World It's 123Abc Foo.bar Foo..Bar_baz X-Y Élan École||Alert:disk_full");
    BOOST_TEST(run("{{ toUpper \"élan\" }} {{ toLower \"ÉCOLE\" }}") == "ÉLAN école");
    BOOST_TEST(run("{{ stringSlice \"a\" \"b\" | join \"-\" }}|{{ stringSlice }}|"
                   "{{ join \",\" (stringSlice) }}|{{ len (stringSlice \"x\" \"y\") }}") ==
               "a-b|[]||2");
    BOOST_TEST(run("{{ match \"^D\" .Status }}|{{ match \"f\" .Status }}|"
                   "{{ reReplaceAll \"d(b)-(\\\\d)\" \"$2$1\" \"db-1 db-2\" }}") ==
               "false|true|1b 2b");
    BOOST_TEST(run("{{ eq (safeHtml \"a\") \"a\" }} {{ .Alerts.Firing | len | printf \"%d\" }} "
                   "{{ printf \"%v|%s\" .CommonLabels .GroupLabels.Names }}") ==
               "true 2 map[alertname:DiskFull cluster:c1 job:postgres]|[alertname]");
    BOOST_TEST(run("{{ printf \"%q\" .Receiver }} {{ .Receiver | urlquery }} "
                   "{{ html .CommonAnnotations.summary }}") ==
               "\"team-x\\\\.prod\" team-x%5C.prod Disk &lt;full&gt; &amp; &#34;ok&#34;");
}

BOOST_AUTO_TEST_CASE(html_escapes_by_context) {
    BOOST_TEST(run_html("<p title=\"{{ .CommonAnnotations.summary }}\">"
                        "{{ .CommonAnnotations.summary }} {{ \"a+b\" }}</p>") ==
               "<p title=\"Disk &lt;full&gt; &amp; &#34;ok&#34;\">Disk &lt;full&gt; &amp; "
               "&#34;ok&#34; a&#43;b</p>");
    BOOST_TEST(run_html("<a href=\"/q?r={{ .Receiver }}&s={{ \"a b&c\" }}\">y</a>"
                        "{{ safeHtml \"<b>bold</b>\" }}<i title=\"{{ safeHtml \"<b>t</b>\" }}\">"
                        "</i><!-- gone {{ .Status }} -->") ==
               "<a href=\"/q?r=team-x%5c.prod&s=a%20b%26c\">y</a><b>bold</b><i title=\"t\"></i>");
    BOOST_TEST(
        run_html(
            "<a href=\"{{ .ExternalURL }}/x?a={{ .Receiver | urlquery }}\">"
            "{{ .Receiver | html }}</a><a href=\"{{ .GroupLabels.alertname | urlquery "
            "}}\">{{ \"javascript:x\" }}</a><a href=\"{{ \"javascript:alert(1)\" }}\">z</a>") ==
        "<a href=\"http://am.example:9093/x?a=team-x%5C.prod\">team-x\\.prod</a>"
        "<a href=\"DiskFull\">javascript:x</a><a href=\"#ZgotmplZ\">z</a>");
    BOOST_TEST(
        run_html(
            "<title>{{ .CommonAnnotations.summary }}</title><textarea>"
            "{{ safeHtml \"<b>x</b>\" }}</textarea>a < b {{ 1 }} <!DOCTYPE x> "
            "<p class={{ .CommonAnnotations.summary }}>q</p> <p {{ \"onclick\" }}=\"x\">r</p>") ==
        "<title>Disk &lt;full&gt; &amp; &#34;ok&#34;</title><textarea>&lt;b&gt;x&lt;/b&gt;"
        "</textarea>a &lt; b 1 <!DOCTYPE x> <p class=Disk&#32;&lt;full&gt;&#32;&amp;&#32;"
        "&#34;ok&#34;>q</p> <p ZgotmplZ=\"x\">r</p>");
    BOOST_TEST(
        run_html("<script>var a = {{ .CommonAnnotations.summary }}; var b = \"{{ .Receiver "
                 "}}\"; var c = {{ 1.5 }}; var d = {{ .CommonLabels }}; /* c {{ .Status }} */ "
                 "var e = /{{ \"a.b\" }}/; // x\n</script><style>p { color: {{ \"red\" }}; "
                 "background: url(\"{{ \"a b\" }}\"); } /* x */ q { font: "
                 "{{ \"expression(x)\" }} }</style>") ==
        "<script>var a = \"Disk \\u003cfull\\u003e \\u0026 \\\"ok\\\"\"; var b = "
        "\"team-x\\\\.prod\"; var c =  1.5 ; var d = {\"alertname\":\"DiskFull\","
        "\"cluster\":\"c1\",\"job\":\"postgres\"};    var e = /a\\.b/; \n</script><style>p "
        "{ color: red; background: url(\"a%20b\"); }   q { font: ZgotmplZ }</style>");
    BOOST_TEST(run_html("<p style=\"color: {{ \"blue\" }}\" onclick=\"f({{ .Receiver }})\" "
                        "data-url=\"{{ \"http://x/y z\" }}\" srcset=\"{{ \"a.png 1x, javascript:b "
                        "2x\" }}\">{{ (index .Alerts 0).StartsAt }} {{ .Alerts.Firing | len }} "
                        "{{ safeHtml \"<i>\" }}</p>") ==
               "<p style=\"color: blue\" onclick=\"f(&#34;team-x\\\\.prod&#34;)\" "
               "data-url=\"http://x/y%20z\" srcset=\"a.png 1x,#ZgotmplZ\">2023-01-02 "
               "15:04:05.123456789 &#43;0000 UTC 2 <i></p>");
    BOOST_TEST(
        run_html("{{ define \"a\" }}[{{ . }}]{{ end }}{{ template \"a\" }}"
                 "{{ template \"a\" \"<x>\" }}<a title='{{ \"it's\" }}'>{{ \"\\x00\" }}</a>") ==
        "[][&lt;x&gt;]<a title='it&#39;s'>\xEF\xBF\xBD</a>");
}

BOOST_AUTO_TEST_CASE(a_user_template_file_overrides_a_default) {
    TemplateFiles files;
    files.write(
        "override.tmpl",
        "{{ define \"__alertmanager\" }}StackWatch{{ end }}\n"
        "{{ define \"slack.default.text\" }}{{ range .Alerts.Firing }}• {{ .Labels.instance "
        "}}: {{ .Annotations.summary }}\n{{ end }}{{ end }}\n");
    auto templates = NotificationTemplates::load({(files.dir / "*.tmpl").string()});
    BOOST_TEST(run("{{ template \"slack.default.username\" . }}|{{ template \"slack.default.text\" "
                   ". }}|{{ template \"__subject\" . }}",
                   templates) ==
               "StackWatch|• db-1:9187: Disk <full> & \"ok\"\n• db-2:9187: Disk <full> & \"ok\"\n"
               "|[FIRING:2] DiskFull (c1 postgres)");
    std::string html = run_html("{{ template \"email.default.html\" . }}", templates);
    BOOST_TEST(has(html, ">View in StackWatch</a>"));
    BOOST_TEST(has(html, ">Sent by StackWatch</a>"));
    // A glob that matches nothing is fine; a broken file or pattern is Go's error.
    BOOST_TEST(load_error({(files.dir / "none*.tmpl").string()}) == "");
    BOOST_TEST(load_error({files.write("bad.tmpl", "{{ define \"x\" }}{{ if }}{{ end }}")}) ==
               "template: bad.tmpl:1: missing value for if");
    BOOST_TEST(load_error({files.write("eof.tmpl", "{{ define \"x\" }}")}) ==
               "template: eof.tmpl:1: unexpected EOF");
    BOOST_TEST(load_error({(files.dir / "[").string()}) == "syntax error in pattern");
}

BOOST_AUTO_TEST_CASE(errors_are_gos) {
    BOOST_TEST(run("{{ template \"nope\" . }}") ==
               "error: template: :1:12: executing \"\" at <{{template \"nope\" .}}>: template "
               "\"nope\" not defined");
    BOOST_TEST(run("{{ nope }}") == "error: template: :1: function \"nope\" not defined");
    BOOST_TEST(run("{{ .Nope }}") ==
               "error: template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in "
               "type *template.Data");
    BOOST_TEST(run("{{ .Alerts.Firing.Foo }}") ==
               "error: template: :1:10: executing \"\" at <.Alerts.Firing.Foo>: can't evaluate "
               "field Foo in type []template.Alert");
    // Bad calls of functions...
    BOOST_TEST(run("{{ match \"(\" \"x\" }}") ==
               "error: template: :1:3: executing \"\" at <match \"(\" \"x\">: error calling match: "
               "error parsing regexp: missing closing ): `(`");
    BOOST_TEST(run("{{ reReplaceAll \"(\" \"x\" \"y\" }}") ==
               "error: template: :1:3: executing \"\" at <reReplaceAll \"(\" \"x\" \"y\">: error "
               "calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing "
               "): `(`");
    BOOST_TEST(run("{{ join \",\" .CommonLabels }}") ==
               "error: template: :1:12: executing \"\" at <.CommonLabels>: wrong type for value; "
               "expected []string; got template.KV");
    BOOST_TEST(run("{{ .CommonLabels | join \",\" }}") ==
               "error: template: :1:24: executing \"\" at <\",\">: wrong type for value; expected "
               "[]string; got template.KV");
    BOOST_TEST(run("{{ .CommonLabels | printf \"%s\" | join \",\" }}") ==
               "error: template: :1:38: executing \"\" at <\",\">: wrong type for value; expected "
               "[]string; got string");
    BOOST_TEST(
        run("{{ join \",\" \"abc\" }}") ==
        "error: template: :1:12: executing \"\" at <\"abc\">: can't handle \"abc\" for arg of "
        "type []string");
    BOOST_TEST(run("{{ stringSlice \"a\" 1 }}") ==
               "error: template: :1:19: executing \"\" at <1>: expected string; found 1");
    BOOST_TEST(run("{{ safeHtml \"<b>\" }} {{ safeHtml \"x\" | toUpper }}") ==
               "error: template: :1:39: executing \"\" at <toUpper>: wrong type for value; "
               "expected string; got template.HTML");
    BOOST_TEST(run("{{ .Status | len | toUpper }}") ==
               "error: template: :1:19: executing \"\" at <toUpper>: wrong type for value; "
               "expected string; got int");
    BOOST_TEST(run("{{ index .Alerts 3 }}") ==
               "error: template: :1:3: executing \"\" at <index .Alerts 3>: error calling index: "
               "reflect: slice index out of range");
    BOOST_TEST(run("{{ index .Alerts -1 }}") ==
               "error: template: :1:3: executing \"\" at <index .Alerts -1>: error calling index: "
               "index out of range: -1");
    BOOST_TEST(run("{{ index .Alerts \"a\" }}") ==
               "error: template: :1:3: executing \"\" at <index .Alerts \"a\">: error calling "
               "index: cannot index slice/array with type string");
    // ... and of methods and fields.
    BOOST_TEST(run("{{ .CommonLabels.Remove }}") ==
               "error: template: :1:16: executing \"\" at <.CommonLabels.Remove>: wrong number of "
               "args for Remove: want 1 got 0");
    BOOST_TEST(run("{{ .Alerts.Firing 1 }}") ==
               "error: template: :1:10: executing \"\" at <.Alerts.Firing>: wrong number of args "
               "for Firing: want 0 got 1");
    BOOST_TEST(run("{{ .CommonLabels.Remove \"a\" }}") ==
               "error: template: :1:24: executing \"\" at <\"a\">: can't handle \"a\" for arg of "
               "type []string");
    BOOST_TEST(run("{{ .CommonLabels.Remove .Status }}") ==
               "error: template: :1:24: executing \"\" at <.Status>: wrong type for value; "
               "expected []string; got string");
    BOOST_TEST(run("{{ .Status \"x\" }}") ==
               "error: template: :1:3: executing \"\" at <.Status>: Status has arguments but "
               "cannot be invoked as function");
    BOOST_TEST(run("{{ .CommonLabels.job \"x\" }}") ==
               "error: template: :1:16: executing \"\" at <.CommonLabels.job>: job is not a method "
               "but has arguments");
    // html/template's own.
    BOOST_TEST(
        run_html("<a href=\"/x?q={{ .Receiver | urlquery | html }}\">x</a>") ==
        "error: html/template::1:17: predefined escaper \"urlquery\" disallowed in template");
    BOOST_TEST(run_html("<p title={{ .Receiver | html }}>\n") ==
               "error: html/template::1:12: predefined escaper \"html\" disallowed in template");
    // What receivers send when a template fails, rather than nothing.
    BOOST_TEST(defaults().execute_best_effort("{{ template \"nope\" . }}", notification()) ==
               "error expanding template: template: :1:12: executing \"\" at <{{template \"nope\" "
               ".}}>: template \"nope\" not defined");
}

BOOST_AUTO_TEST_SUITE_END()
